import { createHash } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { OperationFailedError, UsageError } from '../../core/errors';

/** The session holding the migration lock, as PostgreSQL reports it. */
export interface LockHolder {
  pid: number;
  application: string | null;
  client: string | null;
  /** `active`, `idle`, `idle in transaction`, ... */
  state: string | null;
  /** When its current (or last) statement started. */
  since: Date | null;
  query: string | null;
}

/** Progress of a wait for the lock, for a log line: sent when the wait starts, when the holder changes or goes, and on acquiring. */
export interface LockWait {
  phase: 'waiting' | 'holder-gone' | 'acquired';
  waitedMs: number;
  holder?: LockHolder;
}

export class LockTimeoutError extends OperationFailedError {
  constructor(readonly waitedMs: number, holder?: LockHolder) {
    super(
      `Timed out after ${waitedMs} ms waiting for the migration lock${holder ? ` (held by ${describeHolder(holder)})` : ''}`,
      'Another migration is running against this database. Wait for it, or raise `lockWaitMs` (MIGRATIONS_LOCK_WAIT_MS).',
      'lock_timeout',
    );
  }
}

/** The connection goes through a pooler in transaction (or statement) mode: a session lock cannot hold there. */
export class PooledSessionError extends UsageError {
  override readonly code = 'pooled_connection';
  constructor(detail: string) {
    super(
      `The migration connection goes through a pooler in transaction mode (${detail}): the migration lock cannot be held on it`,
      'Point migrations at a direct connection to PostgreSQL: set MIGRATIONS_DATABASE_URL (option `migrationsUrl`) to the server, ' +
        'or use the pooler in session mode.',
    );
  }
}

/** One short line about a holder: `backend pid 4242 (nest-migrations on 10.0.0.5, active for 12 s)`. */
export function describeHolder(holder: LockHolder, now = Date.now()): string {
  const parts = [holder.application || undefined, holder.client ? `from ${holder.client}` : undefined].filter(Boolean);
  const since = holder.since ? `, ${holder.state ?? 'running'} for ${Math.max(0, Math.round((now - holder.since.getTime()) / 1000))} s` : '';
  return `backend pid ${holder.pid}${parts.length ? ` (${parts.join(' ')}${since})` : since ? ` (${since.slice(2)})` : ''}`;
}

/** Two int4 keys from the server's own database name, the schema and the ledger name, so spellings of a URL never matter. */
export function lockKeys(database: string, schema: string, table: string): [number, number] {
  const digest = createHash('sha256').update(`nest-migrations:${database}:${schema}:${table}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

const FIRST_PAUSE_MS = 25;
const MAX_PAUSE_MS = 1000;
const REPORT_AFTER_MS = 1000;

/**
 * The migration lock: a session-level advisory lock on one dedicated connection.
 *
 * Waiting polls `pg_try_advisory_lock` with back-off instead of queueing in `pg_advisory_lock`: a session
 * blocked in a lock wait holds a virtual transaction id, which `CREATE INDEX CONCURRENTLY` (run by the
 * holder) waits for — a deadlock. Between polls the waiter holds nothing.
 *
 * The lock is taken only on a session that keeps its backend: a pooler in transaction mode hands each
 * statement to any server connection, where a session lock would be taken by one client and seen as
 * "already held by me" by another. That is checked before taking the lock and right after.
 */
export class AdvisoryLock {
  private keys?: [number, number];
  private pid?: number;

  constructor(
    private readonly runner: QueryRunner,
    private readonly schema: string,
    private readonly table: string,
  ) {}

  async acquire(waitMs: number, onWait?: (wait: LockWait) => void): Promise<void> {
    const started = Date.now();
    const first = await this.runner.query('SELECT current_database() AS "database", pg_backend_pid() AS "pid"');
    this.keys = lockKeys(String(first[0].database), this.schema, this.table);
    await this.assertOwnBackend(Number(first[0].pid));
    let pause = FIRST_PAUSE_MS;
    let holder: LockHolder | undefined;
    let announced = false;
    for (;;) {
      const attempt = await this.try();
      if (attempt.locked) {
        this.pid = attempt.pid;
        await this.assertStillOwnBackend();
        if (announced) onWait?.({ phase: 'acquired', waitedMs: Date.now() - started, holder });
        return;
      }
      const waited = Date.now() - started;
      const now = await this.holder();
      if (announced && holder && now?.pid !== holder.pid) onWait?.({ phase: 'holder-gone', waitedMs: waited, holder });
      // Short waits (another replica finishing its check) are not worth a line.
      if (now && waited >= REPORT_AFTER_MS && (!announced || now.pid !== holder?.pid)) {
        onWait?.({ phase: 'waiting', waitedMs: waited, holder: now });
        announced = true;
      }
      holder = now ?? holder;
      if (waited >= waitMs) throw new LockTimeoutError(waitMs, now);
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(1, waitMs - waited))));
      pause = Math.min(MAX_PAUSE_MS, Math.round(pause * 1.6));
    }
  }

  async release(): Promise<void> {
    if (!this.keys || this.pid === undefined) return;
    const [a, b] = this.keys;
    const lockedOn = this.pid;
    this.pid = undefined;
    const rows = await this.runner.query(`SELECT pg_backend_pid() AS "pid", CASE WHEN pg_backend_pid() = ${lockedOn} THEN pg_advisory_unlock(${a}, ${b}) END AS "unlocked"`);
    // A pooler moved this client to another server connection: unlock where the lock is.
    if (Number(rows[0]?.pid) !== lockedOn) await this.unlockOn(lockedOn);
  }

  /**
   * Between steps of a run: the session must still be on the backend that holds the lock, or the lock no
   * longer protects the run (a pooler in transaction mode that happened to keep one server connection so far).
   */
  async verify(): Promise<void> {
    if (this.pid === undefined) return;
    await this.assertStillOwnBackend();
  }

  /** Like {@link verify}, for a pid a statement of the run returned (the ledger write returns it). */
  async checkPid(pid: number): Promise<void> {
    if (this.pid === undefined || pid === this.pid) return;
    const lockedOn = this.pid;
    this.pid = undefined;
    await this.unlockOn(lockedOn);
    throw new PooledSessionError(`the lock was taken on backend ${lockedOn}, a statement of the run ran on ${pid}`);
  }

  /**
   * One statement: take the lock unless this backend already holds it. A backend that already holds it
   * while this client has not taken it is a server connection shared with another client: a pooler.
   */
  private async try(): Promise<{ locked: boolean; pid: number }> {
    const [a, b] = this.keys as [number, number];
    const rows = await this.runner.query(
      `WITH "mine" AS (SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                 AND classid = (${a}::int4)::oid AND objid = (${b}::int4)::oid AND objsubid = 2 AND granted) AS "held")
       SELECT "held", CASE WHEN "held" THEN false ELSE pg_try_advisory_lock(${a}, ${b}) END AS "locked", pg_backend_pid() AS "pid" FROM "mine"`,
    );
    if (rows[0]?.held === true) throw new PooledSessionError('the server connection already holds the lock of another client');
    return { locked: rows[0]?.locked === true, pid: Number(rows[0]?.pid) };
  }

  /** A few statements in a row must reach the same backend. */
  private async assertOwnBackend(pid: number): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const rows = await this.runner.query('SELECT pg_backend_pid() AS "pid"');
      if (Number(rows[0]?.pid) !== pid) throw new PooledSessionError(`statements reached backends ${pid} and ${rows[0]?.pid}`);
    }
  }

  /** After locking, the next statement must reach the backend that holds the lock; if not, unlock it there and refuse. */
  private async assertStillOwnBackend(): Promise<void> {
    const rows = await this.runner.query('SELECT pg_backend_pid() AS "pid"');
    const now = Number(rows[0]?.pid);
    if (now === this.pid) return;
    const lockedOn = this.pid as number;
    this.pid = undefined;
    await this.unlockOn(lockedOn);
    throw new PooledSessionError(`the lock was taken on backend ${lockedOn}, the next statement ran on ${now}`);
  }

  /** Sends unlocks until one lands on the backend that holds the lock (bounded; a pooler rotates its connections). */
  private async unlockOn(pid: number): Promise<void> {
    const [a, b] = this.keys as [number, number];
    for (let i = 0; i < 50; i++) {
      const rows = await this.runner
        .query(`SELECT pg_backend_pid() = ${pid} AS "there", CASE WHEN pg_backend_pid() = ${pid} THEN pg_advisory_unlock(${a}, ${b}) END AS "unlocked"`)
        .catch(() => [] as { there?: boolean }[]);
      if (rows[0]?.there === true) return;
    }
  }

  private async holder(): Promise<LockHolder | undefined> {
    const [a, b] = this.keys as [number, number];
    try {
      const rows = await this.runner.query(
        `SELECT l.pid, a.application_name, a.client_addr::text AS "client", a.state, coalesce(a.query_start, a.backend_start) AS "since", a.query
           FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.classid = (${a}::int4)::oid AND l.objid = (${b}::int4)::oid AND l.objsubid = 2
          LIMIT 1`,
      );
      const row = rows[0];
      if (!row) return undefined;
      return {
        pid: Number(row.pid),
        application: row.application_name || null,
        client: row.client ?? null,
        state: row.state ?? null,
        since: row.since ? new Date(row.since) : null,
        query: row.query ? String(row.query).replace(/\s+/g, ' ').slice(0, 120) : null,
      };
    } catch {
      return undefined;
    }
  }
}
