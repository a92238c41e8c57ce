import { redact } from '../adapter/driver-errors';
import { MigrationsError } from '../core/errors';

export const USAGE_EXIT = 2;
export const FAILURE_EXIT = 1;

/** Help or a version was asked for and printed: exit 0, nothing to report. */
export class HelpShown extends Error {
  constructor() {
    super('help shown');
  }
}

/**
 * A command line commander could not parse (unknown command or option, a bad value, too many arguments).
 * Commander's own message, reshaped into our line and hint.
 */
export class CommandLineError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'usage';
  constructor(commanderMessage: string, fallbackHint: string) {
    const lines = commanderMessage.replace(/^error:\s*/i, '').trim().split('\n');
    const suggestion = lines.slice(1).join(' ').replace(/^\((.*)\)$/, '$1').trim();
    super(lines[0], suggestion ? `${suggestion} ${fallbackHint}` : fallbackHint);
  }
}

/** What `--json` prints for an error, on stdout (docs/json-output.md). */
export interface JsonError {
  error: { code: string; message: string; hint?: string; exitCode: number };
}

export interface ReportOptions {
  verbose?: boolean;
  json?: boolean;
  /** One line on stderr. */
  writeLine?: (line: string) => void;
  /** The JSON document, on stdout. */
  writeJson?: (text: string) => void;
}

/**
 * The one place where an error becomes what the user reads: one line (plus an optional hint) on stderr, or
 * with `--json` one error object on stdout; no stack trace unless `verbose`, never a password; the exit code.
 */
export function reportError(error: unknown, options: ReportOptions = {}): number {
  const writeLine = options.writeLine ?? ((line: string) => process.stderr.write(`${line}\n`));
  const writeJson = options.writeJson ?? ((text: string) => process.stdout.write(text));
  if (error instanceof HelpShown) return 0;
  const known = findMigrationsError(error);
  const message = redact(known ? known.message : firstLine(error));
  const hint = known ? (known.hint ? redact(known.hint) : undefined) : options.verbose ? undefined : 'run again with --verbose for details';
  const exitCode = known ? known.exitCode : FAILURE_EXIT;
  if (options.json) {
    const document: JsonError = { error: { code: known ? known.code : 'unexpected', message, ...(hint ? { hint } : {}), exitCode } };
    writeJson(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    writeLine(`error: ${message}`);
    if (hint) writeLine(`hint: ${hint}`);
  }
  const stack = (known ?? (error instanceof Error ? error : undefined))?.stack;
  if (options.verbose && stack) writeLine(redact(stack));
  return exitCode;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function findMigrationsError(error: unknown): MigrationsError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof MigrationsError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
