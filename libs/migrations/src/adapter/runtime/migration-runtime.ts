import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { checkChecksum } from '../../core/checksum';
import { LedgerState, type AppliedRow } from '../../core/ledger-state';
import type { RunReport, SqlPlan, StepEvent } from '../../core/reports';
import type { Direction, Step } from '../../core/revision';
import type { MigrationFile } from '../files/migration-file';
import { captureSql, type CapturedStatement } from '../sql-capture';
import { MigrationFiles, type MigrationsLocation } from '../files/migration-files';
import { flushMigrationIndexes } from '../files/metadata-index';
import { inlineParams, qualified, quoteIdent, sqlValue } from '../sql-names';
import type { LockWait } from './advisory-lock';
import { Ledger, type ChecksumUpgrade, type LedgerLocation, type LedgerTables, type LoggedEvent, type StoredRow } from './ledger';
import { MigrationRunner } from './migration-runner';
import { MigrationSession } from './migration-session';
import { PlanExecution, type RunOptions } from './plan-execution';

export interface RuntimeConfig {
  /** The data source migrations run on: the app's, or a dedicated one (`migrationsUrl`), opened on first use. */
  dataSource: () => Promise<DataSource>;
  location: MigrationsLocation;
  ledger: LedgerLocation;
  /** How long an exclusive run waits for the migration lock. */
  lockWaitMs: number;
  /** A schema tenant's schema: exclusive runs set `search_path` to it (the ledger is in it too). */
  searchPath?: string;
  /** Migration files already read (tenants share the app's, so 1000 tenants read the folder once). */
  files?: () => MigrationFiles;
}

/** What an exclusive run sees and can do while it holds the lock. */
export interface ExclusiveRun {
  /** The ledger as read under the lock. */
  readonly state: LedgerState;
  readonly files: MigrationFiles;
  /** Runs steps in a mode (apply, dry run, stamp) under one transaction policy. */
  run(steps: readonly Step[], options: RunOptions): Promise<RunReport>;
  /** Throws, before anything runs, when the steps cannot run in that mode. */
  validate(steps: readonly Step[], options: Pick<RunOptions, 'mode' | 'transaction'>): void;
  /** The locked session, for work that is not a migration but must not overlap one (seeding, reset). */
  readonly session: MigrationSession;
  /** The integrity of applied migrations, checked under the lock (see {@link MigrationRuntime.checkChecksums}). */
  integrity(): Promise<IntegrityCheck>;
}

/** Applied migrations edited since, and how to bring checksums stored by an older algorithm up to date. */
export interface IntegrityCheck {
  readonly edited: string[];
  /**
   * Rewrites, in the current algorithm and in one statement on the locked session, the checksums stored by
   * an older one whose migration is unchanged. For a run that goes ahead: a refused run leaves no trace.
   */
  upgrade(): Promise<void>;
}

/**
 * The migration runtime: every entrance (the CLI, the boot hook, user code, tenant fan-out) goes through it,
 * so every mode obeys the same rules. It reads the ledger once into a {@link LedgerState} — for a mutating
 * run on one locked connection, after taking the lock, so a late arrival sees the work of an earlier one —
 * and runs a plan in one of four modes: apply, dry run (run, then roll back), stamp (ledger only), or
 * offline SQL (captured, nothing locked or changed).
 */
export class MigrationRuntime {
  readonly ledger: Ledger;
  private cachedFiles?: MigrationFiles;

  constructor(private readonly config: RuntimeConfig) {
    this.ledger = new Ledger(config.ledger);
  }

  /**
   * The same runtime for a tenant: its ledger in `ledgerSchema`, `search_path` set to `searchPath` for
   * exclusive runs, on its data source; the migration files are shared.
   */
  forTenant(target: { dataSource: () => Promise<DataSource>; ledgerSchema: string; searchPath?: string }): MigrationRuntime {
    return new MigrationRuntime({
      ...this.config,
      dataSource: target.dataSource,
      ledger: { ...this.config.ledger, schema: target.ledgerSchema },
      searchPath: target.searchPath,
      files: () => this.files(),
    });
  }

  /** The data source migrations run on. */
  dataSource(): Promise<DataSource> {
    return this.config.dataSource();
  }

  /** The migration files on disk, read once. */
  files(): MigrationFiles {
    return (this.cachedFiles ??= this.config.files ? this.config.files() : MigrationFiles.open(this.config.location));
  }

  /** The ledger as it is now, without locking or creating anything. */
  async read(): Promise<LedgerState> {
    const session = await MigrationSession.open(await this.dataSource());
    try {
      return await this.readState(session);
    } finally {
      await session.close();
    }
  }

  /** Runs `work` holding the migration lock on one connection, with the ledger read under the lock. */
  async exclusive<T>(work: (run: ExclusiveRun) => Promise<T>, onLockWait?: (wait: LockWait) => void): Promise<T> {
    const files = this.files();
    const dataSource = await this.dataSource();
    const session = await MigrationSession.open(dataSource, {
      schema: this.config.ledger.schema,
      table: this.config.ledger.table,
      waitMs: this.config.lockWaitMs,
      onWait: onLockWait,
      searchPath: this.config.searchPath,
    });
    try {
      const present = await this.ledger.tables(session.runner);
      const state = await this.readState(session, present);
      const runner = new MigrationRunner(dataSource, this.ledger, { mirror: this.ledger.mirrors(present.typeorm), typeormTableExists: present.typeorm }, (pid) =>
        session.checkBackend(pid),
      );
      const execution = new PlanExecution(session.runner, () => session.verifyLock(), this.ledger, runner, files, present);
      return await work({
        state,
        files,
        session,
        integrity: async () => {
          const { edited, outdated } = await this.checkChecksums(state, { upgrades: true });
          const upgrade = async () => {
            if (outdated.length) await session.runner.query(this.ledger.upgradeChecksumsSql(outdated));
          };
          return { edited, upgrade };
        },
        run: (steps, options) => execution.run(steps, options),
        validate: (steps, options) => execution.validate(steps, options),
      });
    } finally {
      await session.close();
      flushMigrationIndexes();
    }
  }

  /**
   * The SQL a plan would send, ledger statements included, computed from the ledger as it is now:
   * nothing is locked, created or changed (`--sql`).
   */
  async sql(steps: readonly Step[], state: LedgerState): Promise<SqlPlan> {
    const files = this.files();
    const dataSource = await this.dataSource();
    const session = await MigrationSession.open(dataSource);
    try {
      const present = await this.ledger.tables(session.runner);
      const runner = new MigrationRunner(dataSource, this.ledger, { mirror: this.ledger.mirrors(present.typeorm), typeormTableExists: present.typeorm });
      const planned: SqlPlan['steps'] = [];
      for (const step of steps) {
        const file = files.get(step.revision.id);
        const captured = await runner.preview(file, step.direction);
        const checksum = step.direction === 'up' ? await runner.checksum(file) : null;
        planned.push({
          direction: step.direction,
          revision: step.revision.id,
          parents: [...step.revision.parents],
          message: step.revision.message,
          transactional: new file.migrationClass().transaction !== false,
          statements: [
            ...captured.map((statement) => inlineParams(statement.sql, statement.params ?? [])),
            Ledger.forScript(runner.recordSql(file, step.direction, 'run', checksum, null)),
          ],
        });
      }
      const missing = !present.ledger || !present.log;
      const setup = planned.length && missing && steps[0]?.direction === 'up' ? this.ledger.createSql() : [];
      // A tenant's migrations name no schema: the script must run in its schema, as the runtime does.
      const searchPath = this.config.searchPath && planned.length ? [`SET search_path TO ${quoteIdent(this.config.searchPath)}`] : [];
      return { setup: [...searchPath, ...setup], steps: planned };
    } finally {
      await session.close();
      flushMigrationIndexes();
    }
  }

  /** The SQL a migration's `up` or `down` sends, captured without touching the database. */
  async preview(file: MigrationFile, direction: Direction): Promise<CapturedStatement[]> {
    return captureSql(await this.dataSource(), new file.migrationClass(), direction);
  }

  /**
   * Applied revisions whose migration now runs different SQL than when it was applied (edited after the
   * fact). Compares checksums of the SQL's parse trees, so reformatting or recompiling does not count.
   * Read-only: rows stored by an older algorithm are checked in it and left as they are.
   */
  async edited(state: LedgerState): Promise<string[]> {
    return (await this.checkChecksums(state, { upgrades: false })).edited;
  }

  /**
   * Checks each applied row's checksum in the algorithm that wrote it (core/checksum.ts). With `upgrades`,
   * also lists the rows stored by an older algorithm whose migration is unchanged, with their checksum in
   * the current one (computing it costs a parse, so read-only callers skip it).
   */
  async checkChecksums(state: LedgerState, options: { upgrades: boolean }): Promise<{ edited: string[]; outdated: ChecksumUpgrade[] }> {
    const files = this.files();
    const runner = new MigrationRunner(await this.dataSource(), this.ledger, { mirror: false, typeormTableExists: false });
    const edited: string[] = [];
    const outdated: ChecksumUpgrade[] = [];
    for (const row of state.rows) {
      const stored = row.checksum;
      if (!stored || !files.has(row.id)) continue;
      const file = files.get(row.id);
      const check = await checkChecksum(stored, (algorithm) => runner.checksum(file, algorithm));
      if (check.result === 'edited') edited.push(row.id);
      if (check.result !== 'unchanged' || !check.outdated || !options.upgrades) continue;
      const current = await runner.checksum(file);
      if (current) outdated.push({ id: row.id, from: stored, to: current });
    }
    flushMigrationIndexes();
    return { edited, outdated };
  }

  /** The audit log: every apply, revert and stamp, oldest first. */
  async log(): Promise<LoggedEvent[]> {
    const session = await MigrationSession.open(await this.dataSource());
    try {
      return await this.ledger.readLog(session.runner);
    } finally {
      await session.close();
    }
  }

  /**
   * A fast answer to "is everything applied?" for the boot hook: compares the revision ids in the migration
   * file names with a digest of the ledger computed by PostgreSQL, in one query, without reading a file.
   * `true` only when both sets are equal; `false` means "look properly" (pending work, unknown revisions,
   * plain TypeORM files, TypeORM's table in use, no ledger yet).
   */
  async fullyApplied(): Promise<boolean> {
    const ids = MigrationFiles.idsFromNames(this.config.location);
    if (!ids || !ids.length) return false;
    const digest = createHash('md5').update([...ids].sort().join(',')).digest('hex');
    const { schema, table, typeormTable } = this.config.ledger;
    const typeorm = typeormTable ? `to_regclass(${sqlValue(qualified(schema, typeormTable))}) IS NULL` : 'true';
    try {
      const rows = await (await this.dataSource()).query(
        `SELECT count(*)::int AS "n", md5(coalesce(string_agg("revision", ',' ORDER BY "revision" COLLATE "C"), '')) AS "digest", ${typeorm} AS "noTypeorm"
           FROM ${qualified(schema, table)}`,
      );
      return rows[0]?.noTypeorm === true && rows[0]?.n === ids.length && rows[0]?.digest === digest;
    } catch {
      return false;
    }
  }

  private async readState(session: MigrationSession, known?: LedgerTables): Promise<LedgerState> {
    const files = this.files();
    const present = known ?? (await this.ledger.tables(session.runner));
    const stored = await this.ledger.read(session.runner, present);
    return new LedgerState(files.graph, mergeRows(stored, files, present.typeorm), present.ledger);
  }
}

/**
 * One row per revision: TypeORM's names mapped to the revisions whose files have them; a revision recorded
 * by both tables keeps the ledger's row (it knows when and by whom); revisions only TypeORM recorded come
 * first, as they were applied before this module was adopted.
 */
function mergeRows(stored: readonly StoredRow[], files: MigrationFiles, typeormTable: boolean): AppliedRow[] {
  // A row mirrored to TypeORM's table that is gone from it was reverted by TypeORM's CLI: not applied.
  const inTypeorm = new Set(stored.filter((row) => row.source === 'typeorm').map((row) => row.key));
  const ledger = stored.filter((row) => row.source === 'ledger' && !(typeormTable && row.typeormName && !inTypeorm.has(row.typeormName)));
  const inLedger = new Set(ledger.map((row) => row.key));
  const typeorm = stored
    .filter((row) => row.source === 'typeorm')
    .map((row) => ({ ...row, key: files.idForTypeormName(row.key) ?? row.key }))
    .filter((row) => !inLedger.has(row.key));
  return [...typeorm, ...ledger].map(({ key, kind, appliedAt, checksum, appliedBy, executionMs }) => ({ id: key, kind, appliedAt, checksum, appliedBy, executionMs }));
}

export type { RunOptions, StepEvent };
