/**
 * Consumer apps: NestJS apps that live outside this repository and use nest-migrations the way users do,
 * from the packed tarball installed by npm next to the peers of one supported stack, built with the app's
 * own TypeScript and tsconfig, and run with plain `node`.
 *
 * A stack is installed once per tarball (several rows share it; parallel Jest workers wait for the one that
 * installs it), into the temp folder; each app is a fresh folder inside the stack's folder, so Node and
 * TypeScript resolve its packages from the stack's node_modules while the app keeps its own package.json
 * (`"type": "module"` or not) and tsconfig.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { STACKS, type StackName } from './stacks';

const run = promisify(execFile);

export const TARBALL_ENV = 'TEST_NEST_MIGRATIONS_TARBALL';
const FIXTURE = join(__dirname, '..', 'fixture');
const ROOT = join(tmpdir(), 'nest-migrations-consumers');

export type ModuleKind = 'esm' | 'cjs-node20' | 'cjs-classic';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The tarball packed by the consumers' global setup. */
export function tarball(): string {
  const path = process.env[TARBALL_ENV];
  if (!path || !existsSync(path)) throw new Error(`${TARBALL_ENV} is not set: run the consumer tests through Jest's "consumers" project`);
  return path;
}

/** Installs a stack with the tarball (once per tarball and stack), and returns its folder. */
export async function installStack(name: StackName): Promise<string> {
  const stack = STACKS[name];
  const pack = tarball();
  const key = createHash('sha256').update(JSON.stringify(stack.dependencies)).update(readFileSync(pack)).digest('hex').slice(0, 12);
  const dir = join(ROOT, `${name}-${key}`);
  const done = join(dir, '.installed');
  mkdirSync(ROOT, { recursive: true });
  if (existsSync(done)) return dir;
  const lock = `${dir}.lock`;
  if (!acquire(lock)) {
    await waitForFile(done, lock);
    return dir;
  }
  try {
    removeOtherInstalls(name, dir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: `stack-${name}`, private: true, dependencies: { ...stack.dependencies, 'nest-migrations': `file:${pack}` } }, null, 2),
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(done, new Date().toISOString());
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Installs of this stack for older tarballs, which nothing uses any more (not while one is being installed). */
function removeOtherInstalls(name: string, keep: string): void {
  for (const entry of readdirSync(ROOT)) {
    const path = join(ROOT, entry);
    if (entry.startsWith(`${name}-`) && !entry.endsWith('.lock') && path !== keep && !existsSync(`${path}.lock`)) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/** A lock folder holding the owner's pid; a lock whose owner is gone is taken over. */
function acquire(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return true;
  } catch {
    const owner = Number(readFileSync(join(lock, 'pid'), 'utf8').trim() || '0');
    if (owner && !alive(owner)) {
      rmSync(lock, { recursive: true, force: true });
      return acquire(lock);
    }
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until another worker's install finished (the marker appears) or failed (its lock went away without it). */
async function waitForFile(file: string, lock: string): Promise<void> {
  for (;;) {
    if (existsSync(file)) return;
    if (!existsSync(lock)) throw new Error(`The install that another test started failed (no ${file})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface ConsumerApp {
  readonly dir: string;
  readonly stackDir: string;
  /** Compiles with the app's own tsconfig and the stack's TypeScript; throws with the compiler's output. */
  build(): Promise<void>;
  /** `nest-migrations bundle` on the compiled entry, as an app's build script would run it. */
  bundle(): Promise<CommandResult>;
  /** `node dist/src/main.js db ...args` in the app's folder. */
  db(args: string[], env?: Record<string, string>): Promise<CommandResult>;
  /** Replaces `marker` in a source file of the app. */
  edit(file: string, marker: string, replacement: string): void;
  read(file: string): string;
  remove(): void;
}

const TSCONFIG_BASE = {
  target: 'ES2021',
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  strict: true,
  skipLibCheck: true,
  sourceMap: true,
  outDir: './dist',
  rootDir: '.',
  types: ['node'],
};

const TSCONFIG_BY_KIND: Record<ModuleKind, Record<string, unknown>> = {
  // What `nest new` generates on NestJS 12: an ES-module package.
  esm: { module: 'nodenext', moduleResolution: 'nodenext' },
  // A CommonJS package compiled for Node 20's require(esm), as NestJS 12's ES-module packages need.
  'cjs-node20': { module: 'node20', moduleResolution: 'node16' },
  // The classic NestJS 10/11 tsconfig: CommonJS with node10 resolution, which ignores `exports`.
  'cjs-classic': { module: 'commonjs' },
};

/** A fresh app from the fixture, inside an installed stack. */
export function createConsumerApp(stackDir: string, name: string, kind: ModuleKind): ConsumerApp {
  const dir = join(stackDir, 'apps', `${name}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  cpSync(join(FIXTURE, 'src'), join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, ...(kind === 'esm' ? { type: 'module' } : {}) }, null, 2));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { ...TSCONFIG_BASE, ...TSCONFIG_BY_KIND[kind] }, include: ['src', 'migrations'] }, null, 2),
  );
  const tsc = join(stackDir, 'node_modules', 'typescript', 'bin', 'tsc');
  return {
    dir,
    stackDir,
    async build() {
      try {
        await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: dir });
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string };
        throw new Error(`tsc failed in ${dir}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    },
    bundle: () => node(dir, [join(stackDir, 'node_modules', '.bin', 'nest-migrations'), 'bundle', '--entry', join('dist', 'src', 'main.js')]),
    db: (args, env = {}) => node(dir, [join('dist', 'src', 'main.js'), 'db', ...args], env),
    edit(file, marker, replacement) {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      if (!text.includes(marker)) throw new Error(`${file} has no ${marker}`);
      writeFileSync(path, text.replace(marker, replacement));
    },
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs node in a folder with a clean environment plus `env`; never rejects on a non-zero exit. */
export function node(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: consumerEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The test's environment without what would leak into a user's app (Jest's, the repo's test settings). */
export function consumerEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, NO_COLOR: '1' };
  return { ...base, ...env };
}

export interface ServedApp {
  readonly output: () => string;
  health(): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/src/main.js` (serve mode) and resolves once it logged that it listens; rejects with its
 * output when it exits first.
 */
export function serveConsumerApp(app: ConsumerApp, port: number, env: Record<string, string>): Promise<ServedApp> {
  const child = spawn(process.execPath, [join('dist', 'src', 'main.js')], {
    cwd: app.dir,
    env: consumerEnv({ ...env, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const served: ServedApp = {
    output: () => output,
    async health() {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      return { status: response.status, body: await response.json().catch(() => undefined) };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: string) => {
      output += chunk;
      if (output.includes(`Listening on port ${port}`)) resolve(served);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    void exited.then(() => reject(new Error(`the app exited before listening:\n${output}`)));
  });
}
