import { hostname } from 'node:os';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_CHECKSUM_ALGORITHM, type ChecksumAlgorithm } from '../../core/checksum';
import type { Direction } from '../../core/revision';
import type { MigrationFile } from '../files/migration-file';
import { migrationChecksum } from '../migration-checksum';
import { captureSql, type CapturedStatement } from '../sql-capture';
import { typeormTimestamp, type Ledger, type LedgerEntry } from './ledger';
import { PooledSessionError } from './advisory-lock';
import { MigrationFailedError } from './migration-failed.error';

export interface StepResult {
  revision: string;
  direction: Direction;
  ms: number;
}

/** Where ledger writes go besides the ledger: TypeORM's table, when it is mirrored or exists. */
export interface LedgerTargets {
  mirror: boolean;
  typeormTableExists: boolean;
}

/** Who ran it, for the ledger and its audit log: `host:pid`. */
export const APPLIED_BY = `${hostname()}:${process.pid}`;

/**
 * Executes one migration step on a dedicated query runner: the migration and its ledger writes commit
 * together or not at all. A migration that sets `transaction = false` (for `CREATE INDEX CONCURRENTLY`) runs
 * outside a transaction and its ledger row is written right after it. Inside a caller's transaction
 * (single transaction, dry run) a migration gets no transaction of its own: savepoints would work, but
 * thousands of subtransactions slow PostgreSQL down more than they help.
 */
export class MigrationRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: Ledger,
    private readonly targets: LedgerTargets,
    /** Checks the backend pid the ledger write ran on (inside the migration's transaction): throws when a pooler moved the session. */
    private readonly checkBackend: (pid: number) => Promise<void> = async () => undefined,
  ) {}

  /**
   * The checksum of what a migration runs (in the current algorithm unless asked for an older one, to check
   * a ledger row that one wrote), remembered in the metadata index while its file is unchanged; null when
   * its SQL cannot be captured.
   */
  async checksum(file: MigrationFile, algorithm: ChecksumAlgorithm = CURRENT_CHECKSUM_ALGORITHM): Promise<string | null> {
    const cached = file.cachedChecksum(algorithm);
    if (cached) return cached;
    try {
      const [up, down] = await Promise.all([this.preview(file, 'up'), this.preview(file, 'down')]);
      const computed = await migrationChecksum(up, down, algorithm);
      file.rememberChecksum(computed);
      return computed;
    } catch {
      return null;
    }
  }

  /** The SQL a step would run, captured without touching the database. */
  async preview(file: MigrationFile, direction: Direction): Promise<CapturedStatement[]> {
    return captureSql(this.dataSource, new file.migrationClass(), direction);
  }

  entry(file: MigrationFile, kind: LedgerEntry['kind'], checksum: string | null, ms: number | null): LedgerEntry {
    return {
      id: file.revision.id,
      message: file.revision.message,
      checksum,
      kind,
      executionMs: ms,
      appliedBy: APPLIED_BY,
      typeorm: { name: file.typeormName, timestamp: typeormTimestamp(file.typeormName, file.revision.createdAt) },
    };
  }

  /** The statement that records a step in the ledger (and its log, and TypeORM's table). */
  recordSql(file: MigrationFile, direction: Direction, kind: 'run' | 'stamp', checksum: string | null, ms: number | null): string {
    if (direction === 'up') return this.ledger.insertSql(this.entry(file, kind === 'run' ? 'applied' : 'stamped', checksum, ms), this.targets.mirror);
    return this.ledger.removeSql(
      { id: file.revision.id, message: file.revision.message, typeormName: file.typeormName, by: APPLIED_BY, event: kind === 'run' ? 'reverted' : 'unstamped', executionMs: ms },
      this.targets.typeormTableExists || this.targets.mirror,
    );
  }

  /** Runs `up` or `down` and records it; `prepare` runs first, in the same transaction (it creates the ledger on first use). */
  async run(runner: QueryRunner, file: MigrationFile, direction: Direction, prepare?: () => Promise<void>): Promise<StepResult> {
    const checksum = direction === 'up' ? await this.checksum(file) : null;
    const instance: MigrationInterface = new file.migrationClass();
    const transactional = instance.transaction !== false;
    const ownTransaction = transactional && !runner.isTransactionActive;
    const started = performance.now();
    if (ownTransaction) await runner.startTransaction();
    try {
      await prepare?.();
      await instance[direction](runner);
      await this.checkBackend(await this.ledger.record(runner, this.recordSql(file, direction, 'run', checksum, Math.round(performance.now() - started))));
      if (ownTransaction) await runner.commitTransaction();
    } catch (error) {
      if (ownTransaction && runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (error instanceof PooledSessionError) throw error;
      throw new MigrationFailedError(file.revision.id, direction, error, transactional, !ownTransaction && transactional);
    }
    return { revision: file.revision.id, direction, ms: Math.round(performance.now() - started) };
  }
}
