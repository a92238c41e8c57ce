import { relative } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { LockWait } from '../adapter/runtime/advisory-lock';
import { MigrationRuntime, type ExclusiveRun } from '../adapter/runtime/migration-runtime';
import type { LockRetry } from '../adapter/runtime/session-settings';
import type { MigrationFiles } from '../adapter/files/migration-files';
import { MigrationsError, SafetyRefusalError } from '../core/errors';
import type { LedgerState } from '../core/ledger-state';
import type { AuditEvent, HistoryEntry, RunReport, SqlPlan, StampReport, StatusReport, StepEvent } from '../core/reports';
import type { Direction, Step } from '../core/revision';
import { revisionRange } from '../core/revision-range';
import { MigrationConnection, type MigrationTarget } from './migration-connection';
import type { FanOutOutcome } from '../core/fan-out';
import type { Tenant, TenantInput, TenantSelection } from '../core/tenants';
import { TenantDirectory } from './tenant-directory.service';
import { eachTenant, withTenant, type FanOutRequest } from './tenant-fan-out';
import { MigrationEventBus } from './migration-event-bus.service';
import type { MigrationEvent, MigrationEventListener, RunEntrance, ShadowEvent } from './migration-events';
import { MigrationPolicyService, type Entrance, type PolicyRequest } from './migration-policy.service';

/** Session settings for the migrations' statements. */
export interface SessionTimeouts {
  /** `lock_timeout` in ms (0: none). */
  lockTimeoutMs?: number;
  /** `statement_timeout` in ms (0: none). */
  statementTimeoutMs?: number;
}

interface RunCallbacks {
  onStep?: (event: StepEvent) => void;
  /** Progress of a wait for the migration lock held by another run. */
  onLockWait?: (wait: LockWait) => void;
  /** Called before each retry of a migration that hit `lock_timeout`. */
  onLockRetry?: (retry: LockRetry) => void;
  /** Called under the lock with what is about to run, before the policy and before anything runs. */
  onPlan?: (steps: readonly Step[], state: LedgerState) => void | Promise<void>;
}

export interface UpgradeOptions extends RunCallbacks {
  /** Target revision spec (`head`, an id or prefix, `+N`, `heads`); default `head`. */
  to?: string;
  /** `dry-run`: run everything in one transaction, then roll it back. Default `apply`. */
  mode?: 'apply' | 'dry-run';
  /** All pending migrations in one transaction: the whole run applies or none of it does. */
  singleTransaction?: boolean;
  /**
   * Apply an entrance's policy (safety checks, integrity, unknown revisions, pending cap) and its session
   * settings. Absent for user code: nothing is judged and no timeout is set unless given.
   */
  policy?: PolicyRequest;
  /** Overrides the entrance's session settings. */
  timeouts?: SessionTimeouts;
  /** Overrides the entrance's retries of a migration that hit `lock_timeout`. */
  lockRetries?: number;
}

/** Which part of the history to show. */
export interface HistoryFilter {
  /** `A:B`: B and its ancestors down to A; either end may be left out. */
  range?: string;
  /** The newest N. */
  limit?: number;
}

export interface RollbackOptions extends RunCallbacks {
  /** Revert the N most recently applied revisions (default 1 when `to` is absent). */
  steps?: number;
  /** Revert everything the target (a revision, or `base`) does not need. */
  to?: string;
  mode?: 'apply' | 'dry-run';
  /** Use this entrance's session settings (lock and statement timeouts, retries). */
  entrance?: Entrance;
}

/**
 * The public API of the module: what the CLI, the boot hook and user code can do with migrations, as a
 * short facade over the migration runtime. Read-only methods never create or change anything; mutating
 * ones hold the migration lock for their whole run and read the ledger once they hold it.
 */
@Injectable()
export class MigrationsService {
  constructor(
    private readonly runtime: MigrationRuntime,
    @Inject(MigrationConnection) private readonly connection: MigrationTarget,
    private readonly policy: MigrationPolicyService,
    private readonly events: MigrationEventBus,
    private readonly directory: TenantDirectory,
  ) {}

  /** The tenant this service is bound to (see {@link withTenant}); undefined for the app's own schema. */
  get tenant(): string | undefined {
    return this.connection.tenantName;
  }

  /** The tenants of the `tenants` option, as their source lists them now (docs/tenants.md). */
  tenants(): Promise<Tenant[]> {
    return this.directory.list();
  }

  /**
   * Calls `work` with this service bound to one tenant: its schema (`search_path`, ledger and lock), or its
   * database. A name is looked up in the tenant source; a {@link Tenant} object is used as given. A
   * database tenant's connection is closed when `work` ends.
   */
  withTenant<T>(tenant: TenantInput, work: (migrations: MigrationsService) => Promise<T>): Promise<T> {
    return withTenant(this.tenantScope(), tenant, work);
  }

  /**
   * Brings one tenant to head, under its own lock: the "sign-up creates a schema" pattern (the schema is
   * created when missing). Pass `policy: { entrance: 'cli' | 'boot' }` to apply that entrance's policy.
   */
  migrateTenant(tenant: TenantInput, options: UpgradeOptions = {}): Promise<RunReport> {
    return this.withTenant(tenant, (migrations) => migrations.upgrade(options));
  }

  /**
   * Runs `work` for each selected tenant (`{ all: true }`, `{ tenants: [names] }`, or a list), at most
   * `concurrency` at once on a pool of that many connections; a failing tenant does not stop the others
   * unless `failFast`. One outcome per tenant, in the source's order.
   */
  eachTenant<T>(selection: TenantSelection | readonly Tenant[], work: (migrations: MigrationsService, tenant: Tenant) => Promise<T>, request: FanOutRequest = {}): Promise<FanOutOutcome<T, Tenant>[]> {
    return eachTenant(this.tenantScope(), selection, work, request);
  }

  private tenantScope() {
    return {
      directory: this.directory,
      base: this.connection,
      bind: (target: MigrationTarget & { tenant: Tenant }) =>
        new MigrationsService(
          this.runtime.forTenant({ dataSource: () => target.dataSource(), ledgerSchema: target.schema, searchPath: target.tenant.schema }),
          target,
          this.policy,
          this.events,
          this.directory,
        ),
    };
  }

  /**
   * Calls `listener` for each run event of that type (`plan`, `step.start`, `step.end`, `retry`, `failure`,
   * `done`; `*` for all), from every entrance: the CLI, the boot hook, code. Returns a function that removes it.
   * Apps with `@nestjs/event-emitter` also receive them as `migrations.<type>` (`@OnEvent('migrations.step.end')`).
   */
  on<T extends MigrationEvent['type']>(type: T | '*', listener: MigrationEventListener<T>): () => void {
    return this.events.on(type, listener);
  }

  /** The app's TypeORM data source. */
  get dataSource(): DataSource {
    return this.connection.app;
  }

  /** The data source migrations run on: the app's, or the dedicated one of `migrationsUrl`. */
  migrationDataSource(): Promise<DataSource> {
    return this.connection.dataSource();
  }

  /** The database migrations change, fit to print (no password). */
  describeDatabase(): string {
    return this.connection.describe();
  }

  /** What a mutating command changes, for its first line: the database (no password) and the ledger's schema. */
  describeTarget(): string {
    const tenant = this.connection.tenantName;
    return `${tenant !== undefined ? `tenant ${tenant}: ` : ''}${this.connection.describe()} (schema ${this.connection.schema})`;
  }

  /** The database (no password) and the ledger's schema, as fields; and the tenant, for a tenant's service. */
  target(): { database: string; schema: string; tenant?: string } {
    const tenant = this.connection.tenantName;
    return { database: this.connection.describe(), schema: this.connection.schema, ...(tenant !== undefined ? { tenant } : {}) };
  }

  /** The migration files on disk and their revision graph. */
  files(): MigrationFiles {
    return this.runtime.files();
  }

  /** The ledger as it is now; nothing is locked or created. */
  state(): Promise<LedgerState> {
    return this.runtime.read();
  }

  /** `db current`. */
  async status(known?: LedgerState): Promise<StatusReport> {
    const state = known ?? (await this.state());
    const { graph } = state;
    return {
      database: this.describeDatabase(),
      current: state.current.map((id) => ({ id, message: graph.get(id)?.message ?? '' })),
      heads: [...graph.heads()],
      atHead: state.atHead,
      pending: state.pending.map((rev) => ({ id: rev.id, message: rev.message })),
      unknown: state.unknown,
      applied: state.rows.length,
      total: graph.size,
    };
  }

  /**
   * `db history`: every revision, newest first, with when, by whom and how long it ran; `range` (`A:B`, see
   * {@link revisionRange}) keeps B, its ancestors down to A; `limit` keeps the newest N.
   */
  async history(known?: LedgerState, filter: HistoryFilter = {}): Promise<HistoryEntry[]> {
    const state = known ?? (await this.state());
    const files = this.files();
    const { graph } = state;
    const current = new Set(state.current);
    const heads = new Set(graph.heads());
    const inRange = filter.range === undefined ? undefined : revisionRange(graph, filter.range, state.current);
    const revisions = [...graph.all()].reverse().filter((rev) => !inRange || inRange.has(rev.id));
    return revisions.slice(0, filter.limit ?? revisions.length).map((rev) => {
      const row = state.row(rev.id);
      const file = files.get(rev.id);
      return {
        id: rev.id,
        parents: [...rev.parents],
        message: rev.message,
        createdAt: rev.createdAt?.toISOString() ?? null,
        applied: !!row,
        appliedAt: row?.appliedAt?.toISOString() ?? null,
        appliedBy: row ? (row.kind === 'typeorm' ? 'TypeORM' : row.appliedBy) : null,
        durationMs: row?.executionMs ?? null,
        stamped: row?.kind === 'stamped',
        recordedBy: row ? (row.kind === 'typeorm' ? 'typeorm' : 'ledger') : null,
        head: heads.has(rev.id),
        current: current.has(rev.id),
        merge: rev.parents.length > 1,
        branchPoint: graph.children(rev.id).length > 1,
        format: file.format,
        file: relative(process.cwd(), file.file) || file.file,
      };
    });
  }

  /**
   * The audit log (`db history --log`): every apply, revert and stamp, with who and when, newest first; the
   * ledger keeps only what is applied now, the log keeps what happened. `range` keeps the events of those revisions.
   */
  async log(filter: HistoryFilter = {}): Promise<AuditEvent[]> {
    const events = (await this.runtime.log())
      .reverse()
      .map(({ seq, at, event, revision, message, by, executionMs }) => ({ seq, at: at.toISOString(), event, revision, message, by, durationMs: executionMs }));
    const inRange = filter.range === undefined ? undefined : revisionRange(this.files().graph, filter.range, (await this.state()).current);
    const kept = inRange ? events.filter((event) => inRange.has(event.revision)) : events;
    return kept.slice(0, filter.limit ?? kept.length);
  }

  /** `db heads`. */
  heads(): { id: string; message: string }[] {
    const { graph } = this.files();
    return graph.heads().map((id) => ({ id, message: graph.get(id)?.message ?? '' }));
  }

  /** `db branches`: revisions with several children, and those children. */
  branches(): { id: string; message: string; children: { id: string; message: string; head: boolean }[] }[] {
    const { graph } = this.files();
    const heads = new Set(graph.heads());
    return graph.branchPoints().map((id) => ({
      id,
      message: graph.get(id).message,
      children: graph.children(id).map((child) => ({ id: child, message: graph.get(child).message, head: heads.has(child) })),
    }));
  }

  /** `db migrate [--to REV] [--dry-run] [--single-transaction]`: applies what is pending up to the target. */
  async upgrade(options: UpgradeOptions = {}): Promise<RunReport> {
    const mode = options.mode ?? 'apply';
    const observer = this.observe(options.policy?.entrance ?? 'api', mode, options);
    return observer.watch(() => this.runtime.exclusive(async (run) => {
      assertFilesFound(run.files, run.state);
      const steps = run.state.upgrade(options.to ?? 'head');
      const transaction = options.singleTransaction ? 'single' : 'each';
      run.validate(steps, { mode, transaction });
      observer.plan(steps);
      await options.onPlan?.(steps, run.state);
      if (options.policy) this.policy.enforce(await this.policy.judge(run, steps, options.policy, mode), options.policy);
      const settings = options.policy ? this.policy.settings(options.policy.entrance) : undefined;
      return run.run(steps, {
        mode,
        transaction,
        timeouts: options.timeouts ?? settings,
        lockRetries: options.lockRetries ?? settings?.lockRetries ?? 0,
        onLockRetry: observer.onLockRetry,
        onStep: observer.onStep,
      });
    }, options.onLockWait));
  }

  /** `db rollback -s N` / `db rollback --to REV`: reverts newest first. */
  async rollback(options: RollbackOptions = {}): Promise<RunReport> {
    const mode = options.mode ?? 'apply';
    const observer = this.observe(options.entrance ?? 'api', mode, options);
    return observer.watch(() => this.runtime.exclusive(async (run) => {
      assertFilesFound(run.files, run.state);
      const steps = options.to !== undefined ? run.state.downgrade(options.to) : run.state.rollback(options.steps ?? 1);
      observer.plan(steps);
      await options.onPlan?.(steps, run.state);
      const settings = options.entrance ? this.policy.settings(options.entrance) : undefined;
      return run.run(steps, {
        mode,
        timeouts: settings,
        lockRetries: settings?.lockRetries ?? 0,
        onLockRetry: observer.onLockRetry,
        onStep: observer.onStep,
      });
    }, options.onLockWait));
  }

  /** Emits a run's events around the caller's own callbacks (see {@link MigrationsService.on}). */
  private observe(entrance: RunEntrance, mode: 'apply' | 'dry-run' | 'stamp', callbacks: RunCallbacks) {
    const tenant = this.connection.tenantName;
    const emit = (event: Exclude<MigrationEvent, ShadowEvent>) => this.events.emit(tenant === undefined ? event : { ...event, tenant });
    return {
      plan: (steps: readonly Step[]) =>
        emit({ type: 'plan', entrance, mode, steps: steps.map((step) => ({ revision: step.revision.id, message: step.revision.message, direction: step.direction })) }),
      onStep: (event: StepEvent) => {
        const { index, total, revision, message, direction } = event;
        emit(event.phase === 'start' ? { type: 'step.start', entrance, index, total, revision, message, direction } : { type: 'step.end', entrance, index, total, revision, message, direction, ms: event.ms ?? 0 });
        callbacks.onStep?.(event);
      },
      onLockRetry: (retry: LockRetry) => {
        emit({ type: 'retry', entrance, ...retry });
        callbacks.onLockRetry?.(retry);
      },
      watch: async <T extends RunReport | StampReport>(work: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        try {
          const result = await work();
          const steps = 'steps' in result ? result.steps.map(({ revision, direction, ms }) => ({ revision, direction, ms })) : [];
          emit({ type: 'done', entrance, mode, steps, totalMs: Math.round(performance.now() - started) });
          return result;
        } catch (error) {
          const failed = error as { revision?: string; direction?: Direction; code?: unknown; message?: string };
          emit({
            type: 'failure',
            entrance,
            ...(typeof failed?.revision === 'string' ? { revision: failed.revision, direction: failed.direction } : {}),
            code: error instanceof MigrationsError ? error.code : 'unexpected',
            message: error instanceof Error ? error.message : String(error),
            error,
          });
          throw error;
        }
      },
    };
  }

  /** `db stamp [REV]`: makes the ledger say REV without running any migration; `base` empties it. */
  async stamp(spec = 'head', options: Pick<RunCallbacks, 'onLockWait'> & { entrance?: RunEntrance } = {}): Promise<StampReport> {
    const observer = this.observe(options.entrance ?? 'api', 'stamp', {});
    return observer.watch(() => this.runtime.exclusive(async (run) => {
      // `base` empties the ledger on purpose; any other target would unmark every row because no file was found.
      if (spec !== 'base') assertFilesFound(run.files, run.state);
      const plan = run.state.stamp(spec);
      const { graph } = run.state;
      const unknownStep = (id: string): Step => ({ direction: 'down', revision: { id, parents: [], message: '' } });
      const steps: Step[] = [
        ...plan.remove.map((id) => (graph.has(id) ? ({ direction: 'down', revision: graph.get(id) } as Step) : unknownStep(id))),
        ...plan.add.map((id) => ({ direction: 'up', revision: graph.get(id) }) as Step),
      ];
      observer.plan(steps);
      await run.run(steps, { mode: 'stamp' });
      return { added: plan.add, removed: plan.remove };
    }, options.onLockWait));
  }

  /** `db migrate --sql` / `db rollback --sql`: the SQL a run would send, computed from the ledger as it is now. */
  async sql(request: { direction: 'up'; to?: string } | { direction: 'down'; steps?: number; to?: string }): Promise<SqlPlan> {
    const state = await this.state();
    const steps =
      request.direction === 'up'
        ? state.upgrade(request.to ?? 'head')
        : request.to !== undefined
          ? state.downgrade(request.to)
          : state.rollback(request.steps ?? 1);
    return this.runtime.sql(steps, state);
  }

  /**
   * Applied revisions whose migration now runs different SQL than when it was applied (edited after the
   * fact). Compares checksums of the captured SQL's parse trees, so reformatting or recompiling does not
   * count. Read-only: checksums stored by an older algorithm are checked in it, and left as they are.
   */
  async edited(known?: LedgerState): Promise<string[]> {
    return this.runtime.edited(known ?? (await this.state()));
  }

  /** The boot hook's fast path: nothing pending and nothing unknown, known from file names and one query. */
  fullyApplied(): Promise<boolean> {
    return this.runtime.fullyApplied();
  }

  /** Runs `work` holding the migration lock, with the ledger read under it (seeding and reset use it). */
  exclusive<T>(work: (run: ExclusiveRun) => Promise<T>, onLockWait?: (wait: LockWait) => void): Promise<T> {
    return this.runtime.exclusive(work, onLockWait);
  }
}

/**
 * The ledger has rows and no migration file was found at all: a wrong folder or a build that left the
 * migrations out, not "newer code" (that knows some of them). Refused before anything runs, naming the folder.
 */
function assertFilesFound(files: MigrationFiles, state: LedgerState): void {
  const reason = files.emptyReason();
  if (!reason || !state.rows.length) return;
  throw new SafetyRefusalError(
    `No migration files were found (${reason}), but the database has ${state.rows.length} applied revision(s)`,
    'Check migrationsDir / compiledMigrationsDir (MIGRATIONS_DIR, MIGRATIONS_COMPILED_DIR in the example app) and that the build compiles the migrations; `db stamp base` empties the ledger if they are really gone.',
  );
}
