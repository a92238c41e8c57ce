import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { driverCode } from '../adapter/driver-errors';
import { quoteIdent } from '../adapter/sql-names';
import { shadowPattern, shadowStem } from '../adapter/shadow/names';

/**
 * Database administration for the testing kit: one `pg` client on the admin URL (any database of the server,
 * as a role that may CREATE DATABASE), used for CREATE/DROP DATABASE and the template build lock.
 */
export class AdminConnection {
  private constructor(
    private readonly client: Client,
    readonly url: string,
  ) {}

  /**
   * Connects to `url`; when its database does not exist, to the `postgres` database of the same server
   * (the URL may name the app's database, which a test run need not have).
   */
  static async open(url: string): Promise<AdminConnection> {
    try {
      return new AdminConnection(await connect(url), url);
    } catch (error) {
      if (driverCode(error) !== '3D000') throw error;
      const fallback = databaseUrl(url, 'postgres');
      return new AdminConnection(await connect(fallback), fallback);
    }
  }

  async query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]> {
    return (await this.client.query(sql, params as unknown[])).rows as R[];
  }

  async createDatabase(name: string, template: string): Promise<void> {
    await this.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  }

  /** Terminates the database's connections and drops it; no error when it does not exist. */
  async dropDatabase(name: string): Promise<void> {
    await this.query(`ALTER DATABASE ${quoteIdent(name)} IS_TEMPLATE false`).catch(() => undefined);
    await this.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    try {
      await this.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    } catch (error) {
      if (driverCode(error) !== '42601') throw error; // before PostgreSQL 13: no FORCE
      await this.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
    }
  }

  /**
   * Runs `work` holding a session-level advisory lock named by `name`, waiting at most `waitMs` for it.
   * Processes that build the same template serialize here; a crashed holder frees the lock with its session.
   */
  /**
   * Drops `name` and the shadow databases `db check` / `db migrate -m` made for it (`<db>_shadow_*`: the cached
   * template of its migration history, and anything a killed run left).
   */
  async dropWithShadows(name: string): Promise<void> {
    await this.dropDatabase(name);
    const shadows = await this.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [shadowPattern(shadowStem(name))]);
    for (const shadow of shadows) await this.dropDatabase(shadow.datname);
  }

  async withLock<T>(name: string, waitMs: number, work: () => Promise<T>): Promise<T> {
    const digest = createHash('sha256').update(`nest-migrations-testing:${name}`).digest();
    const keys = [digest.readInt32BE(0), digest.readInt32BE(4)];
    await this.query(`SET lock_timeout = ${Math.max(1, Math.floor(waitMs))}`);
    try {
      await this.query('SELECT pg_advisory_lock($1, $2)', keys);
    } catch (error) {
      if (driverCode(error) === '55P03') {
        throw new Error(`Timed out after ${waitMs} ms waiting for another process that builds the template database ${name}`);
      }
      throw error;
    } finally {
      await this.query('RESET lock_timeout');
    }
    try {
      return await work();
    } finally {
      await this.query('SELECT pg_advisory_unlock($1, $2)', keys).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/** `url` with its database replaced by `database`; user, password, host and query options are kept. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

const MAX_IDENTIFIER = 63;

/** `<prefix>_<pid>_<6 hex>`: unique across processes and calls, at most 63 bytes. */
export function uniqueDatabaseName(prefix: string, purpose?: string): string {
  const suffix = `_${process.pid}_${randomBytes(3).toString('hex')}`;
  const head = purpose ? `${prefix}_${purpose}` : prefix;
  return head.slice(0, MAX_IDENTIFIER - suffix.length) + suffix;
}

/** Database name prefixes must be plain lower-case identifiers short enough for `<prefix>_tpl_<16 hex>`. */
export function checkPrefix(prefix: string): string {
  if (!/^[a-z][a-z0-9_]{0,41}$/.test(prefix)) {
    throw new TypeError(`prefix '${prefix}' must be 1 to 42 characters of a-z, 0-9 and _, starting with a letter`);
  }
  return prefix;
}
