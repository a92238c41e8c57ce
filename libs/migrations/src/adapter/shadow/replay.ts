import type { DataSource, QueryRunner } from 'typeorm';
import { OperationFailedError } from '../../core/errors';
import { describeDriverError } from '../driver-errors';
import type { MigrationFile } from '../files/migration-file';

/**
 * Runs every migration's `up` on a shadow (or a template being built), in graph order; no ledger. Either is
 * dropped if this fails, so migrations are batched into few transactions without waiting for WAL flushes:
 * replaying a long history is the bulk of an uncached `db migrate -m`. Batches stay small enough for
 * PostgreSQL's lock table.
 */
export async function replayMigrations(shadow: DataSource, migrations: readonly MigrationFile[], batch = 100): Promise<void> {
  const runner: QueryRunner = shadow.createQueryRunner();
  try {
    await runner.query('SET synchronous_commit = off');
    let inBatch = 0;
    for (const migration of migrations) {
      const instance = new migration.migrationClass();
      const transactional = instance.transaction !== false;
      if (!transactional && runner.isTransactionActive) await runner.commitTransaction();
      if (transactional && !runner.isTransactionActive) {
        await runner.startTransaction();
        inBatch = 0;
      }
      try {
        await instance.up(runner);
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw new OperationFailedError(
          `Migration ${migration.revision.id} failed on the shadow database: ${describeDriverError(error)}`,
          'The migration history does not apply cleanly to an empty database: fix that migration first.',
          'shadow_replay_failed',
        );
      }
      if (transactional && ++inBatch >= batch) await runner.commitTransaction();
    }
    if (runner.isTransactionActive) await runner.commitTransaction();
  } finally {
    await runner.release();
  }
}
