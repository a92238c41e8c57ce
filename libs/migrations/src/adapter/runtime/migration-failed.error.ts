import { OperationFailedError } from '../../core/errors';
import type { Direction } from '../../core/revision';
import { describeDriverError, driverCode } from '../driver-errors';

/** A migration's own `up`/`down` failed; the hint says what was kept and what to do, from the cause. */
export class MigrationFailedError extends OperationFailedError {
  constructor(
    readonly revision: string,
    readonly direction: Direction,
    override readonly cause: unknown,
    readonly transactional: boolean,
    /** It ran inside the run's one transaction (`--single-transaction`, `--dry-run`): the whole run was rolled back. */
    readonly wholeRun = false,
  ) {
    super(`Migration ${revision} failed during ${direction}: ${describeDriverError(cause)}`, failureHint(cause, transactional, wholeRun), failureCode(cause));
  }
}

/** What was kept: nothing of this migration, nothing of the run, or maybe part of it. */
function keptHint(transactional: boolean, wholeRun: boolean): string {
  if (wholeRun) return 'The run was one transaction and was rolled back: no migration of it is applied.';
  if (transactional) return 'Nothing of this migration was kept (rolled back); migrations before it in this run stay applied.';
  return 'This migration runs without a transaction and may be partly applied: check the database before running it again.';
}

const CONNECTION_LOST = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED']);

function failureCode(cause: unknown): string {
  const code = driverCode(cause);
  if (code === '55P03') return 'lock_timeout';
  if (code === '57014') return 'statement_timeout';
  if (isConnectionLoss(cause)) return 'connection_lost';
  return 'migration_failed';
}

function isConnectionLoss(cause: unknown): boolean {
  const code = driverCode(cause);
  if (code && CONNECTION_LOST.has(code)) return true;
  return /Connection terminated|connection (?:was )?(?:closed|lost)|server closed the connection/i.test(describeDriverError(cause));
}

function failureHint(cause: unknown, transactional: boolean, wholeRun: boolean): string {
  const kept = keptHint(transactional, wholeRun);
  const code = driverCode(cause);
  if (isConnectionLoss(cause)) {
    return `The connection to PostgreSQL was lost (the server restarted or shut down, or the network failed). ${kept} Run the command again once the server is back.`;
  }
  switch (code) {
    case '55P03':
      return `A table it needs was locked by other sessions longer than lock_timeout. ${kept} Run it again when the table is less busy, or raise the lock timeout.`;
    case '57014':
      return `It ran longer than statement_timeout (or was cancelled). ${kept} Raise the statement timeout for this migration, or make it do less per statement.`;
    case '40P01':
      return `PostgreSQL broke a deadlock with another session. ${kept} Run the command again; if it repeats, find the session it collides with.`;
    case '53200':
      return `The server ran out of memory or of lock-table space (max_locks_per_transaction). ${kept} Apply fewer migrations per transaction (no --single-transaction), or raise max_locks_per_transaction.`;
    case '53100':
      return `The server's disk is full. ${kept} Free space on the database server, then run the command again.`;
    case '53300':
      return `The server has no connection slots left. ${kept} Run the command again when connections are free.`;
    default:
      return `${kept} Fix the migration and run the command again.`;
  }
}
