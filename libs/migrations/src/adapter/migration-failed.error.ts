import { OperationFailedError } from '../core/errors';
import type { Direction } from '../core/revision';
import { describeDriverError } from './driver-errors';

/** A migration's own `up`/`down` threw; carries the statement that failed when the driver reported one. */
export class MigrationFailedError extends OperationFailedError {
  constructor(
    readonly revision: string,
    readonly direction: Direction,
    override readonly cause: unknown,
    readonly transactional: boolean,
  ) {
    super(
      `Migration ${revision} failed during ${direction}: ${describeDriverError(cause)}`,
      transactional
        ? 'Nothing of this migration was kept (rolled back); earlier migrations in this run stay applied. Fix the migration and run the command again.'
        : 'This migration runs without a transaction and may be partly applied: check the database before running it again.',
      'migration_failed',
    );
  }
}
