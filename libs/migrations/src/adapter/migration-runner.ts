import { hostname } from 'node:os';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import type { Direction } from '../core/revision';
import type { Ledger, LedgerEntry } from './ledger';
import { MigrationFailedError } from './migration-failed.error';
import type { LoadedMigration } from './migration-source';
import { captureSql, checksumOf, type CapturedStatement } from './sql-capture';

export interface StepResult {
  revision: string;
  direction: Direction;
  ms: number;
}

/**
 * Executes one migration step on a dedicated query runner: the migration and its ledger row commit together
 * or not at all. A migration that sets `transaction = false` (for `CREATE INDEX CONCURRENTLY`) runs outside
 * a transaction and its ledger row is written right after it.
 */
export class MigrationRunner {
  private readonly appliedBy = `${hostname()}:${process.pid}`;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: Ledger,
  ) {}

  /** The checksum of what a migration runs, remembered in the migration index while its file is unchanged. */
  async checksum(migration: LoadedMigration): Promise<string | null> {
    const cached = migration.cachedChecksum();
    if (cached) return cached;
    const computed = await this.computeChecksum(migration);
    if (computed) migration.rememberChecksum(computed);
    return computed;
  }

  private async computeChecksum(migration: LoadedMigration): Promise<string | null> {
    try {
      const instance = new migration.migrationClass();
      const [up, down] = await Promise.all([
        captureSql(this.dataSource, instance, 'up'),
        captureSql(this.dataSource, new migration.migrationClass(), 'down'),
      ]);
      return checksumOf(up, down);
    } catch {
      return null;
    }
  }

  /** Applies a migration; `prepare` runs first, inside the same transaction (it creates the ledger on first use). */
  async apply(runner: QueryRunner, migration: LoadedMigration, prepare?: () => Promise<void>): Promise<StepResult> {
    const checksum = await this.checksum(migration);
    return this.run(runner, migration, 'up', (ms) => this.ledger.insert(runner, this.entry(migration, 'applied', checksum, ms)), prepare);
  }

  async revert(runner: QueryRunner, migration: LoadedMigration, legacy: boolean): Promise<StepResult> {
    return this.run(runner, migration, 'down', () => this.ledger.remove(runner, migration.revision.id, legacy));
  }

  entry(migration: LoadedMigration, kind: LedgerEntry['kind'], checksum: string | null, ms: number | null): LedgerEntry {
    return { id: migration.revision.id, message: migration.revision.message, checksum, kind, executionMs: ms, appliedBy: this.appliedBy };
  }

  /** The SQL a step would run, for `--sql`; ledger statements are added by the caller. */
  async preview(migration: LoadedMigration, direction: Direction): Promise<CapturedStatement[]> {
    return captureSql(this.dataSource, new migration.migrationClass(), direction);
  }

  private async run(
    runner: QueryRunner,
    migration: LoadedMigration,
    direction: Direction,
    record: (elapsedMs: number) => Promise<void>,
    prepare?: () => Promise<void>,
  ): Promise<StepResult> {
    const instance: MigrationInterface = new migration.migrationClass();
    // Inside a caller's transaction (--single-transaction) a migration gets no transaction of its own:
    // savepoints would work, but thousands of subtransactions slow PostgreSQL down more than they help.
    const ownTransaction = instance.transaction !== false && !runner.isTransactionActive;
    const transactional = instance.transaction !== false;
    const started = performance.now();
    if (ownTransaction) await runner.startTransaction();
    try {
      await prepare?.();
      await instance[direction](runner);
      await record(Math.round(performance.now() - started));
      if (ownTransaction) await runner.commitTransaction();
    } catch (error) {
      if (ownTransaction && runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw new MigrationFailedError(migration.revision.id, direction, error, transactional);
    }
    return { revision: migration.revision.id, direction, ms: Math.round(performance.now() - started) };
  }
}
