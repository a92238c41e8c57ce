import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { AdvisoryLock, lockKeys } from '../adapter/advisory-lock';
import { DeferredFlush } from '../adapter/deferred-flush';
import { flushMigrationIndexes } from '../adapter/migration-index';
import type { LoadedMigration } from '../adapter/migration-source';
import { SessionSettings, withLockRetries, type LockRetry } from '../adapter/session-settings';
import { Ledger, type LedgerRow } from '../adapter/ledger';
import { MigrationRunner } from '../adapter/migration-runner';
import { qualified, sqlValue } from '../adapter/sql-names';
import { revisionIdsFromFileNames } from '../adapter/migration-loader';
import {
  UsageError,
  currentHeads,
  planRollback,
  planStamp,
  planUpgrade,
  resolveTarget,
  UnknownAppliedRevisionError,
  unknownApplied,
  type Step,
} from '../core';
import { describeDatabase } from './database-label';
import type { HistoryEntry, RunReport, StampReport, StatusReport, StepEvent } from './migration-reports';
import { MigrationWorkspace } from './migration-workspace';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';

export interface UpgradeOptions {
  /** Target revision spec (`head`, an id or prefix, `+N`); default `head`. */
  to?: string;
  onStep?: (event: StepEvent) => void;
  /**
   * Called under the lock, after the ledger was re-read, with what is about to run; throwing refuses the
   * run with nothing applied. The boot hook runs its safety checks here.
   */
  onPlan?: (migrations: LoadedMigration[], rows: LedgerRow[]) => Promise<void>;
  /** Session settings for the migrations' statements. */
  timeouts?: SessionTimeouts;
  /** Retries of a migration that hit `lock_timeout` (it is rolled back before each retry). Default: 0. */
  lockRetries?: number;
  /** Called before each retry of a migration that hit `lock_timeout` (the boot hook logs it). */
  onLockRetry?: (retry: LockRetry) => void;
  /**
   * Run every pending migration in one transaction: the whole run applies or none of it does, and there is
   * one commit instead of one per migration. No lock-timeout retries in this mode. Refused when a migration sets
   * `transaction = false`. PostgreSQL's lock table limits how many objects one transaction can create.
   */
  singleTransaction?: boolean;
}

export interface SessionTimeouts {
  /** `lock_timeout` in ms (0: none). */
  lockTimeoutMs?: number;
  /** `statement_timeout` in ms (0: none). */
  statementTimeoutMs?: number;
}

export interface RollbackOptions {
  steps?: number;
  onStep?: (event: StepEvent) => void;
}

/**
 * The public API of the module: everything the CLI, the boot hook and user code can do with migrations.
 * Read-only methods never create or change anything; mutating ones hold the advisory lock for their whole
 * run and re-read the ledger once they hold it.
 */
@Injectable()
export class MigrationsService {
  private cachedWorkspace?: MigrationWorkspace;
  private cachedDataSource?: DataSource;

  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Migrations on disk and their revision graph (loaded on first use). */
  workspace(): MigrationWorkspace {
    return (this.cachedWorkspace ??= MigrationWorkspace.load(this.options));
  }

  get dataSource(): DataSource {
    return (this.cachedDataSource ??= this.moduleRef.get<DataSource>(getDataSourceToken(this.options.dataSource), { strict: false }));
  }

  get ledger(): Ledger {
    return new Ledger({
      schema: this.options.schema,
      table: this.options.ledgerTable,
      legacyTable: this.options.typeormMigrationsTable,
    });
  }

  /** `db current`. */
  async status(preread?: LedgerRow[]): Promise<StatusReport> {
    const { graph } = this.workspace();
    const rows = preread ?? (await this.readOnly((runner) => this.ledger.read(runner)));
    const applied = new Set(rows.map((row) => row.id));
    const heads = graph.heads();
    const current = currentHeads(graph, applied);
    const pending = graph.all().filter((rev) => !applied.has(rev.id));
    const unknown = unknownApplied(graph, applied);
    return {
      database: describeDatabase(this.dataSource),
      current: current.map((id) => ({ id, message: graph.get(id)?.message ?? '' })),
      heads: [...heads],
      atHead: pending.length === 0 && unknown.length === 0,
      pending: pending.map((rev) => ({ id: rev.id, message: rev.message })),
      unknown,
      applied: rows.length,
      total: graph.size,
    };
  }

  /**
   * A fast answer to "is everything applied?" for the boot hook: compares the revision ids in the migration
   * file names with a digest of the ledger computed by PostgreSQL, in one query, without loading migrations.
   * `true` only when both sets are equal (then nothing is pending and nothing is unknown); `false` means
   * "look properly" (pending work, unknown revisions, plain TypeORM files, no ledger yet).
   */
  async fullyApplied(): Promise<boolean> {
    const ids = revisionIdsFromFileNames(MigrationWorkspace.compiledDir(this.options));
    if (!ids || !ids.length) return false;
    const digest = createHash('md5').update([...ids].sort().join(',')).digest('hex');
    const legacy = this.options.typeormMigrationsTable ? qualified(this.options.schema, this.options.typeormMigrationsTable) : null;
    try {
      const rows = await this.dataSource.query(
        `SELECT count(*)::int AS "n", md5(coalesce(string_agg("revision", ',' ORDER BY "revision" COLLATE "C"), '')) AS "digest",
                ${legacy ? `to_regclass(${sqlValue(legacy)}) IS NULL` : 'true'} AS "noLegacy"
           FROM ${qualified(this.options.schema, this.options.ledgerTable)}`,
      );
      return rows[0]?.noLegacy === true && rows[0]?.n === ids.length && rows[0]?.digest === digest;
    } catch {
      return false;
    }
  }

  /** `db history`: every revision, newest first. */
  async history(): Promise<HistoryEntry[]> {
    const { graph, byId } = this.workspace();
    const rows = await this.readOnly((runner) => this.ledger.read(runner));
    const byRow = new Map(rows.map((row) => [row.id, row]));
    const current = new Set(currentHeads(graph, new Set(byRow.keys())));
    const heads = new Set(graph.heads());
    return [...graph.all()]
      .reverse()
      .map((rev) => {
        const row = byRow.get(rev.id);
        return {
          id: rev.id,
          parents: [...rev.parents],
          message: rev.message,
          createdAt: rev.createdAt?.toISOString() ?? null,
          applied: !!row,
          appliedAt: row?.appliedAt.toISOString() ?? null,
          stamped: row?.kind === 'stamped',
          head: heads.has(rev.id),
          current: current.has(rev.id),
          merge: rev.parents.length > 1,
          branchPoint: graph.children(rev.id).length > 1,
          format: byId.get(rev.id)?.format ?? 'revision',
        };
      });
  }

  /** `db heads`. */
  heads(): { id: string; message: string }[] {
    const { graph } = this.workspace();
    return graph.heads().map((id) => ({ id, message: graph.get(id)?.message ?? '' }));
  }

  /** `db branches`: revisions with several children, and those children. */
  branches(): { id: string; message: string; children: { id: string; message: string; head: boolean }[] }[] {
    const { graph } = this.workspace();
    const heads = new Set(graph.heads());
    return graph.branchPoints().map((id) => ({
      id,
      message: graph.get(id).message,
      children: graph.children(id).map((child) => ({ id: child, message: graph.get(child).message, head: heads.has(child) })),
    }));
  }

  /** `db migrate [--to REV]`: applies every pending revision up to the target, one transaction each. */
  async upgrade(options: UpgradeOptions = {}): Promise<RunReport> {
    const { graph } = this.workspace();
    const spec = options.to ?? 'head';
    return this.exclusive(async (runner, rows) => {
      const applied = new Set(rows.map((row) => row.id));
      const unknown = unknownApplied(graph, applied);
      if (unknown.length) throw new UnknownAppliedRevisionError(unknown);
      const steps = planUpgrade(graph, applied, resolveTarget(graph, spec, applied));
      if (steps.length && options.onPlan) await options.onPlan(steps.map((step) => this.workspace().migration(step.revision.id)), rows);
      const session = { timeouts: options.timeouts, lockRetries: options.lockRetries ?? 0, onLockRetry: options.onLockRetry };
      if (!options.singleTransaction) return this.execute(runner, steps, rows, options.onStep, session);
      // A failed statement aborts the one transaction, so there is nothing to retry a lock timeout in.
      return this.inOneTransaction(runner, steps, () => this.execute(runner, steps, rows, options.onStep, { ...session, lockRetries: 0 }));
    });
  }

  /**
   * Applied revisions whose migration now runs different SQL than when it was applied (edited after the
   * fact). Compares checksums of the captured SQL, so reformatting or recompiling does not count.
   */
  async edited(rows?: LedgerRow[]): Promise<string[]> {
    const ledgerRows = rows ?? (await this.readOnly((runner) => this.ledger.read(runner)));
    const runner = new MigrationRunner(this.dataSource, this.ledger);
    const edited: string[] = [];
    for (const row of ledgerRows) {
      const migration = row.checksum ? this.workspace().byId.get(row.id) : undefined;
      if (!migration) continue;
      const current = await runner.checksum(migration);
      if (current && current !== row.checksum) edited.push(row.id);
    }
    flushMigrationIndexes();
    return edited;
  }

  /** `db rollback -s N`: reverts the N most recently applied revisions, newest first. */
  async rollback(options: RollbackOptions = {}): Promise<RunReport> {
    const { graph } = this.workspace();
    return this.exclusive(async (runner, rows) => {
      const steps = planRollback(graph, rows.map((row) => row.id), options.steps ?? 1);
      return this.execute(runner, steps, rows, options.onStep);
    });
  }

  /** The ledger as it is now, and whether its table exists; nothing is created. */
  async readLedger(): Promise<{ rows: LedgerRow[]; exists: boolean }> {
    return this.readOnly(async (runner) => ({ rows: await this.ledger.read(runner), exists: await this.ledger.exists(runner) }));
  }

  /** `db stamp [REV]`: makes the ledger say REV without running any migration; `base` empties it. */
  async stamp(spec = 'head'): Promise<StampReport> {
    const { graph } = this.workspace();
    const runner = new MigrationRunner(this.dataSource, this.ledger);
    return this.exclusive(async (session, rows) => {
      const applied = new Set(rows.map((row) => row.id));
      const target = resolveTarget(graph, spec, applied);
      const plan = planStamp(graph, applied, target);
      await this.ledger.ensure(session);
      const legacy = new Set(rows.filter((row) => row.kind === 'legacy').map((row) => row.id));
      const removed = [...unknownApplied(graph, applied), ...plan.remove];
      const checksums = await Promise.all(plan.add.map((id) => runner.checksum(this.workspace().migration(id))));
      await session.startTransaction();
      try {
        await this.ledger.ensure(session);
        for (const id of removed) await this.ledger.remove(session, id, legacy.has(id));
        for (const [i, id] of plan.add.entries()) {
          await this.ledger.insert(session, runner.entry(this.workspace().migration(id), 'stamped', checksums[i], null));
        }
        await session.commitTransaction();
      } catch (error) {
        await session.rollbackTransaction().catch(() => undefined);
        throw error;
      }
      return { added: plan.add, removed };
    });
  }

  private async execute(
    runner: QueryRunner,
    steps: Step[],
    rows: LedgerRow[],
    onStep?: (event: StepEvent) => void,
    session: { timeouts?: SessionTimeouts; lockRetries: number; onLockRetry?: (retry: LockRetry) => void } = { lockRetries: 0 },
  ): Promise<RunReport> {
    const started = performance.now();
    const migrationRunner = new MigrationRunner(this.dataSource, this.ledger);
    const legacy = new Set(rows.filter((row) => row.kind === 'legacy').map((row) => row.id));
    const report: RunReport = { steps: [], totalMs: 0 };
    // The first step creates the ledger inside its own transaction: a failed first migration leaves no table.
    let prepare: (() => Promise<void>) | undefined = () => this.ledger.ensure(runner);
    const flush = new DeferredFlush(runner);
    const timeouts = new SessionSettings(runner, session.timeouts);
    await timeouts.apply();
    try {
      for (const [index, step] of steps.entries()) {
        const migration = this.workspace().migration(step.revision.id);
        const event = { index: index + 1, total: steps.length, revision: step.revision.id, message: step.revision.message, direction: step.direction };
        onStep?.({ ...event, phase: 'start' });
        await flush.beforeStep(index === steps.length - 1);
        const currentPrepare = prepare;
        const result = await withLockRetries(session.lockRetries, () =>
          step.direction === 'up'
            ? migrationRunner.apply(runner, migration, currentPrepare)
            : migrationRunner.revert(runner, migration, legacy.has(step.revision.id)),
          undefined,
          session.onLockRetry,
        );
        prepare = undefined;
        migration.release();
        onStep?.({ ...event, phase: 'done', ms: result.ms });
        report.steps.push({ revision: step.revision.id, message: step.revision.message, direction: step.direction, ms: result.ms });
      }
    } finally {
      await flush.finish().catch(() => undefined);
      await timeouts.reset().catch(() => undefined);
    }
    report.totalMs = Math.round(performance.now() - started);
    return report;
  }

  private async inOneTransaction<T>(runner: QueryRunner, steps: Step[], work: () => Promise<T>): Promise<T> {
    const outside = steps.find((step) => new (this.workspace().migration(step.revision.id).migrationClass)().transaction === false);
    if (outside) {
      throw new UsageError(`Migration ${outside.revision.id} runs outside a transaction (transaction = false): it cannot run with --single-transaction`);
    }
    await runner.startTransaction();
    try {
      const result = await work();
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  private async readOnly<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  }

  /** Runs `work` on one dedicated connection holding the migration lock (seeding, reset). */
  async withLock<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const database = String(this.dataSource.driver.database ?? '');
    const lock = new AdvisoryLock(runner, lockKeys(database, this.options.schema, this.options.ledgerTable));
    try {
      await lock.acquire(this.options.lockWaitMs);
      try {
        return await work(runner);
      } finally {
        await lock.release().catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Runs `work` holding the migration lock on one dedicated connection, with the ledger read under the lock.
   * The ledger table is created by `work` only once its plan is known to be valid, so a refused command
   * leaves the database exactly as it was.
   */
  private async exclusive<T>(work: (runner: QueryRunner, rows: LedgerRow[]) => Promise<T>): Promise<T> {
    return this.withLock(async (runner) => work(runner, await this.ledger.read(runner)));
  }
}
