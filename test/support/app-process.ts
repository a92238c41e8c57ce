/**
 * The example app in serve mode (`node dist/main.js` with no arguments) as a real child process: started
 * on its own port, watched until it listens or exits, probed on GET /health, and always killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { cliEntry, cliEnv, REPO_ROOT } from './cli';
import { HANG_GUARD_MS } from './hang-guard';

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HealthResponse {
  status: number;
  body: any;
}

export interface AppProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** What it printed so far (Nest's logger writes errors to stderr, the rest to stdout). */
  readonly stdout: string;
  readonly stderr: string;
  /** stdout + stderr. */
  readonly output: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<AppExit>;
  /** `listening` once it logged "Listening on port", `exited` when it ended first. Rejects after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<'listening' | 'exited'>;
  /** Resolves once `pattern` appears in the output; rejects when the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  health(): Promise<HealthResponse>;
  /** SIGTERM, then SIGKILL when it has not exited after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<AppExit>;
}

const running = new Set<AppProcess>();

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/** `n` distinct TCP ports nobody listens on right now (all probed at once, so they cannot repeat). */
export async function freePorts(n: number): Promise<number[]> {
  const probes = Array.from({ length: n }, () => createServer());
  const ports = await Promise.all(
    probes.map((probe) => new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)))),
  );
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return ports;
}

/**
 * Starts the app with `env` (merged over the test's env, like `runCli`), on a free port unless PORT is
 * given. The process is SIGKILLed after `killAfterMs` whatever happens.
 */
export async function startApp(env: Record<string, string | undefined>, options: { killAfterMs?: number } = {}): Promise<AppProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [cliEntry()], {
    cwd: REPO_ROOT,
    env: cliEnv({ ...env, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    changed();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    changed();
  });
  let exit: AppExit | undefined;
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? HANG_GUARD_MS);
  const exited = new Promise<AppExit>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      exit = { code, signal };
      changed();
      resolve(exit);
    });
  });

  /** Resolves with `test()`'s first truthy result, re-checked on every output or exit; rejects on timeout. */
  const until = <T>(test: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        let result: T | undefined;
        try {
          result = test();
        } catch (error) {
          done();
          reject(error);
          return;
        }
        if (result !== undefined) {
          done();
          resolve(result);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`app on port ${port}: ${what} within ${timeoutMs} ms\n--- output ---\n${(stdout + stderr).slice(-3000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const app: AppProcess = {
    port,
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get output() {
      return stdout + stderr;
    },
    exited,
    ready: (timeoutMs = HANG_GUARD_MS) =>
      until<'listening' | 'exited'>(
        () => (/Listening on port \d+/.test(stdout) ? 'listening' : exit ? 'exited' : undefined),
        timeoutMs,
        'neither listened nor exited',
      ),
    waitFor: (pattern, timeoutMs = HANG_GUARD_MS) =>
      until<true>(
        () => {
          if (pattern.test(stdout + stderr)) return true;
          if (exit) throw new Error(`app on port ${port} exited before printing ${pattern}\n--- output ---\n${(stdout + stderr).slice(-3000)}`);
          return undefined;
        },
        timeoutMs,
        `did not print ${pattern}`,
      ).then(() => undefined),
    async health() {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
      return { status: response.status, body: await response.json() };
    },
    async stop(graceMs = 3_000) {
      if (!exit) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(app);
      return exited;
    },
  };
  running.add(app);
  return app;
}

/** Stops every app this file started and has not stopped yet (for afterEach/afterAll). */
export async function stopAllApps(): Promise<void> {
  await Promise.all([...running].map((app) => app.stop()));
}

export interface BootResult {
  /** Exit of a process that ended by itself; undefined when it served (it is stopped after the probe). */
  exit?: AppExit;
  /** GET /health while it served. */
  health?: HealthResponse;
  stdout: string;
  stderr: string;
  output: string;
}

/** Boots the app once: when it serves, probes /health and stops it; when it exits, reports how. */
export async function bootOnce(env: Record<string, string | undefined>, timeoutMs = HANG_GUARD_MS): Promise<BootResult> {
  const app = await startApp(env, { killAfterMs: timeoutMs + 5_000 });
  try {
    const state = await app.ready(timeoutMs);
    if (state === 'exited') {
      const exit = await app.exited;
      return { exit, stdout: app.stdout, stderr: app.stderr, output: app.output };
    }
    const health = await app.health();
    return { health, stdout: app.stdout, stderr: app.stderr, output: app.output };
  } finally {
    await app.stop();
  }
}

/** The lines Nest's logger printed at a level (`LOG`, `WARN`, `ERROR`), for one context, without the prefix. */
export function logLines(output: string, level: 'LOG' | 'WARN' | 'ERROR', context = 'Migrations'): string[] {
  const prefix = new RegExp(`^\\[Nest\\] \\d+\\s+-\\s.*?\\s${level}\\s+\\[${context}\\] `);
  return output
    .split('\n')
    .filter((line) => prefix.test(line))
    .map((line) => line.replace(prefix, '').replace(/\s\+\d+ms$/, ''));
}

/** Every line at ERROR level, whatever its context. */
export function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => /^\[Nest\] \d+\s+-\s.*?\sERROR\s/.test(line));
}
