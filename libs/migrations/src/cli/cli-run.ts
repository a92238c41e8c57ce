import { extname, relative } from 'node:path';

/** The global options of one command-line run: they apply to every command, wherever they appear in argv. */
export interface CliRun {
  /** `--verbose` (or `DEBUG=nest-migrations`): stack traces and Nest's own logs. */
  verbose: boolean;
  /** `--json`: the result, or the error, as one JSON document on stdout (docs/json-output.md). */
  json: boolean;
  /** How the user starts the CLI, for help and hints: `node dist/main.js`. */
  cliName: string;
}

/** Options every command takes, shown in each command's help. */
export const GLOBAL_OPTIONS = [
  { flags: '--json', description: 'print the result (or the error) as JSON on stdout' },
  { flags: '--verbose', description: 'show stack traces and Nest logs (also DEBUG=nest-migrations)' },
] as const;

let current: CliRun = { verbose: false, json: false, cliName: 'node dist/main.js' };

/** The run in progress (one command per process; tests run them one at a time). */
export function cliRun(): CliRun {
  return current;
}

/** Takes the global options out of argv (they are not the commands' own) and makes them the current run. */
export function startCliRun(argv: readonly string[], cliName: string): { args: string[]; run: CliRun; end: () => void } {
  const end = argv.indexOf('--');
  const before = end < 0 ? argv : argv.slice(0, end);
  const globals = new Set(GLOBAL_OPTIONS.map((option) => option.flags as string));
  const args = [...before.filter((arg) => !globals.has(arg)), ...(end < 0 ? [] : argv.slice(end))];
  const run: CliRun = {
    verbose: before.includes('--verbose') || /\bnest-migrations\b|^\*$/.test(process.env.DEBUG ?? ''),
    json: before.includes('--json'),
    cliName,
  };
  const previous = current;
  current = run;
  return { args, run, end: () => (current = previous) };
}

/**
 * `nest start` runs the compiled entry as `node --enable-source-maps dist/src/main` (no extension), after
 * compiling: under it, commands are typed as `nest start -- db ...` and there is nothing to build by hand.
 */
export function startedByNestStart(entry: string | undefined = process.argv[1]): boolean {
  return !!entry && extname(entry) === '' && process.execArgv.includes('--enable-source-maps');
}

/** How the user started the CLI: `nest start --`, else `node` and the entry file relative to the working directory. */
export function defaultCliName(entry: string | undefined = process.argv[1], cwd = process.cwd()): string {
  if (!entry) return 'node dist/main.js';
  if (startedByNestStart(entry)) return 'nest start --';
  const path = relative(cwd, entry);
  return `node ${path && !path.startsWith('..') ? path : entry}`;
}
