import { createHash } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { OperationFailedError } from '../core/errors';

export class LockTimeoutError extends OperationFailedError {
  constructor(readonly waitedMs: number, holder?: string) {
    super(
      `Timed out after ${waitedMs} ms waiting for the migration lock${holder ? ` (held by ${holder})` : ''}`,
      'Another migration is running against this database. Wait for it, or raise `lockWaitMs`.',
      'lock_timeout',
    );
  }
}

/** Two int4 keys from database, schema and ledger name, so unrelated ledgers on one server never contend. */
export function lockKeys(database: string, schema: string, table: string): [number, number] {
  const digest = createHash('sha256').update(`nest-migrations:${database}:${schema}:${table}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/**
 * A session-level advisory lock on one dedicated connection. Waiting uses PostgreSQL's own lock queue bounded
 * by `lock_timeout`, so a waiter wakes the moment the holder releases, and a crashed holder frees it by
 * disconnecting. Release happens in the caller's `finally`.
 */
export class AdvisoryLock {
  constructor(
    private readonly runner: QueryRunner,
    private readonly keys: [number, number],
  ) {}

  async acquire(waitMs: number): Promise<void> {
    const [a, b] = this.keys;
    const free = await this.runner.query('SELECT pg_try_advisory_lock($1, $2) AS "locked"', [a, b]);
    if (free[0]?.locked === true) return;
    await this.runner.query(`SET lock_timeout = ${Math.max(1, Math.floor(waitMs))}`);
    try {
      await this.runner.query('SELECT pg_advisory_lock($1, $2)', [a, b]);
    } catch (error) {
      if (driverCode(error) === '55P03') throw new LockTimeoutError(waitMs, await this.holder());
      throw error;
    } finally {
      await this.runner.query('RESET lock_timeout');
    }
  }

  async release(): Promise<void> {
    const [a, b] = this.keys;
    await this.runner.query('SELECT pg_advisory_unlock($1, $2)', [a, b]);
  }

  private async holder(): Promise<string | undefined> {
    const [a, b] = this.keys;
    try {
      const rows = await this.runner.query(
        `SELECT l.pid, a.client_addr, a.application_name FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ($1::int4)::oid AND l.objid = ($2::int4)::oid LIMIT 1`,
        [a, b],
      );
      return rows[0] ? `backend pid ${rows[0].pid}` : undefined;
    } catch {
      return undefined;
    }
  }
}

export function driverCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}
