/**
 * Runs the built CLI (`node dist/main.js ...`) as a real child process.
 * The CLI must have been built first (`npm run build`); the e2e global setup
 * checks that.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HANG_GUARD_MS } from './hang-guard';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * Built entry points, in order of preference. `nest build` with
 * tsconfig.build.json's rootDir "./" writes src/main.ts to dist/src/main.js;
 * dist/main.js is what `start:prod` and the docs name. `TEST_CLI_ENTRY`
 * overrides both.
 */
export const CLI_ENTRY_CANDIDATES = ['dist/main.js', 'dist/src/main.js'] as const;

/** Absolute path of the built CLI entry, or undefined when none is built. */
export function findCliEntry(): string | undefined {
  const override = process.env.TEST_CLI_ENTRY;
  if (override) return resolve(REPO_ROOT, override);
  return CLI_ENTRY_CANDIDATES.map((p) => resolve(REPO_ROOT, p)).find((p) => existsSync(p));
}

export function cliEntry(): string {
  const entry = findCliEntry();
  if (!entry || !existsSync(entry)) {
    throw new Error(`The CLI is not built (looked for ${CLI_ENTRY_CANDIDATES.join(', ')}): run \`npm run build\` first.`);
  }
  return entry;
}

export interface RunCliOptions {
  /** Merged over process.env. DATABASE_URL is only passed when given here. */
  env?: Record<string, string | undefined>;
  /** Working directory; default: the repository root. */
  cwd?: string;
  /** Kill the process (SIGKILL) after this long: a guard against hanging (default HANG_GUARD_MS). */
  timeoutMs?: number;
  /** Written to the child's stdin, which is then closed (it is always closed). */
  input?: string;
}

export interface CliResult {
  /** Exit code, or null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** Env for the child: process.env minus DATABASE_URL and color forcing, plus `env`. */
export function cliEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete base.DATABASE_URL;
  delete base.FORCE_COLOR;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

/** Spawns `node <dist entry> ...args` and resolves when it exits (never rejects on a non-zero exit). */
export function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const entry = cliEntry();
  const started = process.hrtime.bigint();
  return new Promise<CliResult>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: cliEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined); // the child may exit before reading
    child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? HANG_GUARD_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code,
        signal,
        stdout,
        stderr,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        timedOut,
      });
    });
  });
}

/**
 * Starts `n` CLI processes at once (same args, or per-index args) and waits
 * for all of them; results are in start order.
 */
export function runCliConcurrently(
  n: number,
  args: readonly string[] | ((index: number) => readonly string[]),
  opts: RunCliOptions = {},
): Promise<CliResult[]> {
  const argsFor = typeof args === 'function' ? args : () => args;
  return Promise.all(Array.from({ length: n }, (_, i) => runCli(argsFor(i), opts)));
}
