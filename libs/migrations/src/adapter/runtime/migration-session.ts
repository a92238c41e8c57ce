import type { DataSource, QueryRunner } from 'typeorm';
import { driverCode } from '../driver-errors';
import { quoteIdent } from '../sql-names';
import { AdvisoryLock, type LockWait } from './advisory-lock';

export interface ExclusiveOptions {
  /** Schema and table of the ledger: the lock is per ledger. */
  schema: string;
  table: string;
  /** How long to wait for another run holding the lock. */
  waitMs: number;
  onWait?: (wait: LockWait) => void;
  /** A tenant's schema: the session's `search_path` for the run (reset when the session closes). */
  searchPath?: string;
}

/** How often the server checks that the client of a running statement is still there (PostgreSQL 14+). */
const CLIENT_CHECK_MS = 2000;

/**
 * One dedicated connection for a run. An exclusive session holds the migration lock for its whole life and
 * asks the server to check its client during long statements (`client_connection_check_interval`), so a
 * killed CLI or a crashed replica releases the lock within seconds instead of when its statement ends.
 */
export class MigrationSession {
  private constructor(
    readonly runner: QueryRunner,
    private readonly lock: AdvisoryLock | undefined,
    private readonly settings: string[],
  ) {}

  static async open(dataSource: DataSource, exclusive?: ExclusiveOptions): Promise<MigrationSession> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    const settings: string[] = [];
    try {
      if (!exclusive) return new MigrationSession(runner, undefined, settings);
      if (await trySet(runner, 'client_connection_check_interval', CLIENT_CHECK_MS)) settings.push('client_connection_check_interval');
      if (exclusive.searchPath) {
        // Only the tenant's schema (pg_catalog is always searched): an unqualified name never reaches another tenant or public.
        await runner.query(`SET search_path TO ${quoteIdent(exclusive.searchPath)}`);
        settings.push('search_path');
      }
      const lock = new AdvisoryLock(runner, exclusive.schema, exclusive.table);
      await lock.acquire(exclusive.waitMs, exclusive.onWait);
      return new MigrationSession(runner, lock, settings);
    } catch (error) {
      await resetAll(runner, settings);
      await runner.release().catch(() => undefined);
      throw error;
    }
  }

  get exclusive(): boolean {
    return !!this.lock;
  }

  /** Throws when the session left the backend that holds the lock (see {@link AdvisoryLock.verify}). */
  async verifyLock(): Promise<void> {
    await this.lock?.verify();
  }

  /** Throws when a statement of the run ran on another backend than the one holding the lock. */
  async checkBackend(pid: number): Promise<void> {
    await this.lock?.checkPid(pid);
  }

  async close(): Promise<void> {
    try {
      await this.lock?.release().catch(() => undefined);
      await resetAll(this.runner, this.settings);
    } finally {
      await this.runner.release().catch(() => undefined);
    }
  }
}

/** Sets a server setting that older servers may not know (42704): `false` when unknown there. */
async function trySet(runner: QueryRunner, name: string, value: number): Promise<boolean> {
  try {
    await runner.query(`SET ${name} = ${Math.floor(value)}`);
    return true;
  } catch (error) {
    if (driverCode(error) === '42704') return false;
    throw error;
  }
}

/** The connection may go back to the app's pool: leave it as it was. */
async function resetAll(runner: QueryRunner, settings: readonly string[]): Promise<void> {
  for (const name of settings) await runner.query(`RESET ${name}`).catch(() => undefined);
}
