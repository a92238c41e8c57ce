/**
 * Per-test-file PostgreSQL databases.
 *
 * Every test file that needs a database calls `createTestDatabase()` (usually
 * in `beforeAll`) and `db.drop()` in `afterAll`. Each call creates a fresh,
 * uniquely named database on the server chosen by the Jest global setup
 * (see `test/support/global-setup.ts`), so files can run in parallel without
 * seeing each other's objects. Databases that a crashed or careless file
 * leaves behind are dropped by the global teardown (their names carry the
 * run id).
 *
 * Never a mock: this always talks to a real PostgreSQL server.
 */
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier, Pool, type ClientConfig } from 'pg';
import { shadowPattern, shadowStem } from '../../libs/migrations/src/adapter/shadow/names';

/** Env var through which the global setup hands the admin URL to workers. */
export const ADMIN_URL_ENV = 'TEST_ADMIN_DATABASE_URL';
/** Env var naming where the server came from: DATABASE_URL | local | embedded. */
export const SOURCE_ENV = 'TEST_PG_SOURCE';
/** Env var holding this Jest run's id; it is part of every database name. */
export const RUN_ID_ENV = 'TEST_RUN_ID';

export type Row = Record<string, any>;

/** A `query` function returning the result rows. */
export type QueryFn = <R extends Row = Row>(sql: string, params?: unknown[]) => Promise<R[]>;

export interface TestDatabase {
  /** The database's name (a safe, lower-case identifier). */
  readonly name: string;
  /** Connection URL of this database (same server, user and options as the admin URL). */
  readonly url: string;
  /** Admin connection URL of the server the database lives on. */
  readonly adminUrl: string;
  /** A small pg Pool on this database; `drop()` ends it. */
  readonly pool: Pool;
  /** Runs one statement on this database and returns its rows. */
  query: QueryFn;
  /** Terminates every connection to the database and drops it. Idempotent. */
  drop(): Promise<void>;
}

/** The admin URL chosen by the global setup; throws a clear error when absent. */
export function adminDatabaseUrl(): string {
  const url = process.env[ADMIN_URL_ENV];
  if (!url) {
    throw new Error(
      `${ADMIN_URL_ENV} is not set. Tests that need PostgreSQL must run in the Jest "e2e" project ` +
        '(test/**/*.e2e-spec.ts), whose globalSetup (test/support/global-setup.ts) picks the server.',
    );
  }
  return url;
}

/** `url` with its database (path) replaced by `database`; query options are kept. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

/** Whether a PostgreSQL server answers (and accepts the credentials) at `url`. */
export async function serverAvailable(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `fn` with a connected client on `url`, then closes it. */
export async function withClient<T>(
  url: string,
  fn: (client: Client) => Promise<T>,
  config: Omit<ClientConfig, 'connectionString'> = {},
): Promise<T> {
  const client = new Client({ connectionTimeoutMillis: 10_000, ...config, connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether a database of that name exists on the admin server. */
export async function databaseExists(name: string, adminUrl = adminDatabaseUrl()): Promise<boolean> {
  return withClient(adminUrl, async (c) => {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return (r.rowCount ?? 0) > 0;
  });
}

/** Terminates all connections to `name` and drops it (no error if it is gone). */
export async function dropDatabase(name: string, adminUrl = adminDatabaseUrl()): Promise<void> {
  await withClient(adminUrl, async (c) => {
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
      name,
    ]);
    const version = Number((await c.query<{ v: string }>('SHOW server_version_num')).rows[0].v);
    const force = version >= 130000 ? ' WITH (FORCE)' : '';
    await c.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)}${force}`);
  });
}

/** Autogenerate's shadow databases of `database` (`<stem>_shadow_*`: clones, template builds, templates). */
export async function shadowDatabases(database: string, adminUrl = adminDatabaseUrl()): Promise<string[]> {
  return withClient(adminUrl, async (c) =>
    (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname', [shadowPattern(shadowStem(database))])).rows.map(
      (row) => row.datname,
    ),
  );
}

const MAX_IDENTIFIER = 63;

/** `<prefix>_<runId>_<pid>_<random>`, lower case, at most 63 bytes, safe unquoted. */
export function testDatabaseName(prefix: string): string {
  const runId = sanitize(process.env[RUN_ID_ENV] ?? '0') || '0';
  const suffix = `_${runId}_${process.pid}_${randomBytes(3).toString('hex')}`;
  let head = sanitize(prefix) || 'test';
  if (!/^[a-z]/.test(head)) head = 't_' + head;
  head = head.slice(0, MAX_IDENTIFIER - suffix.length).replace(/_+$/, '');
  return head + suffix;
}

/** Regexp matching names made by `testDatabaseName` in the run `runId`. */
export function runDatabasePattern(runId: string): RegExp {
  return new RegExp(`^[a-z][a-z0-9_]*_${sanitize(runId)}_\\d+_[0-9a-f]{6}$`);
}

function sanitize(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * Creates a fresh, empty database (from template0) on the test server.
 * `prefix` names the test file or purpose, e.g. `createTestDatabase('rollback')`.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const adminUrl = adminDatabaseUrl();
  const name = testDatabaseName(prefix);
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${escapeIdentifier(name)} TEMPLATE template0`));
  const url = withDatabase(adminUrl, name);
  const pool = new Pool({ connectionString: url, max: 4, idleTimeoutMillis: 5_000 });
  // Idle clients get an error when drop() terminates them; never crash on it.
  pool.on('error', () => undefined);

  let dropping: Promise<void> | undefined;
  const query: QueryFn = async <R extends Row = Row>(sql: string, params?: unknown[]) =>
    (await pool.query<R>(sql, params as any[] | undefined)).rows;

  return {
    name,
    url,
    adminUrl,
    pool,
    query,
    drop() {
      dropping ??= (async () => {
        await pool.end().catch(() => undefined);
        await dropDatabase(name, adminUrl);
        // Autogenerate's shadow template cache (and any shadow a killed command left) goes with its database.
        for (const shadow of await shadowDatabases(name, adminUrl)) await dropDatabase(shadow, adminUrl);
      })();
      return dropping;
    },
  };
}
