import type { QueryRunner } from 'typeorm';
import { UsageError } from '../../core/errors';
import type { RunReport, StepEvent } from '../../core/reports';
import type { Step } from '../../core/revision';
import type { MigrationFiles } from '../files/migration-files';
import { DeferredFlush } from './deferred-flush';
import type { Ledger, LedgerTables } from './ledger';
import { APPLIED_BY, type MigrationRunner } from './migration-runner';
import { SessionSettings, withLockRetries, type LockRetry } from './session-settings';

/** `apply` commits; `dry-run` runs everything in one transaction and rolls it back; `stamp` writes the ledger only. */
export type RunMode = 'apply' | 'dry-run' | 'stamp';

/**
 * `each`: one transaction per migration (a migration with `transaction = false` runs outside one);
 * `single`: the whole run in one transaction, all or nothing, refused when a migration opts out.
 */
export type TransactionPolicy = 'each' | 'single';

export interface RunOptions {
  mode: RunMode;
  /** Default `each`; a dry run is always `single`. */
  transaction?: TransactionPolicy;
  /** Session settings for the migrations' statements (0 or absent: none). */
  timeouts?: { lockTimeoutMs?: number; statementTimeoutMs?: number };
  /** Retries of a migration that hit `lock_timeout` (rolled back first); `each` only. Default 0. */
  lockRetries?: number;
  onLockRetry?: (retry: LockRetry) => void;
  onStep?: (event: StepEvent) => void;
}

/** Runs a plan on the locked session: the one place where migrations, transactions and ledger writes meet. */
export class PlanExecution {
  private present: LedgerTables;

  constructor(
    private readonly runner: QueryRunner,
    private readonly verifyLock: () => Promise<void>,
    private readonly ledger: Ledger,
    private readonly migrations: MigrationRunner,
    private readonly files: MigrationFiles,
    present: LedgerTables,
  ) {
    this.present = { ...present };
  }

  /** Throws when the plan cannot run in that mode (a migration outside a transaction in a single-transaction run). */
  validate(steps: readonly Step[], options: Pick<RunOptions, 'mode' | 'transaction'>): void {
    if (options.mode === 'dry-run') this.assertTransactional(steps, 'a dry run');
    else if (options.mode === 'apply' && options.transaction === 'single') this.assertTransactional(steps, '--single-transaction');
  }

  async run(steps: readonly Step[], options: RunOptions): Promise<RunReport> {
    const started = performance.now();
    const done: RunReport['steps'] = [];
    if (options.mode === 'stamp') await this.stamp(steps);
    else if (steps.length) await this.execute(steps, options, done);
    return { steps: done, totalMs: Math.round(performance.now() - started) };
  }

  private async execute(steps: readonly Step[], options: RunOptions, done: RunReport['steps']): Promise<void> {
    const single = options.mode === 'dry-run' || options.transaction === 'single';
    this.validate(steps, options);
    const flush = new DeferredFlush(this.runner);
    const settings = new SessionSettings(this.runner, options.timeouts);
    await settings.apply();
    if (single) await this.runner.startTransaction();
    let prepare: (() => Promise<void>) | undefined = () => this.ensureLedger();
    try {
      for (const [index, step] of steps.entries()) {
        const file = this.files.get(step.revision.id);
        const event = { index: index + 1, total: steps.length, revision: step.revision.id, message: step.revision.message, direction: step.direction };
        options.onStep?.({ ...event, phase: 'start' });
        // A migration outside a transaction is not covered by the check its ledger write makes: check first.
        if (!single && new file.migrationClass().transaction === false) await this.verifyLock();
        // Within one transaction there is one commit: nothing to defer.
        if (!single) await flush.beforeStep(index === steps.length - 1);
        const current = prepare;
        const result = await withLockRetries(single ? 0 : (options.lockRetries ?? 0), () => this.migrations.run(this.runner, file, step.direction, current), undefined, options.onLockRetry);
        prepare = undefined;
        file.release();
        options.onStep?.({ ...event, phase: 'done', ms: result.ms });
        done.push({ revision: step.revision.id, message: step.revision.message, direction: step.direction, ms: result.ms });
      }
      if (single && options.mode === 'dry-run') await this.runner.rollbackTransaction();
      else if (single) await this.runner.commitTransaction();
    } finally {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
      await flush.finish().catch(() => undefined);
      await settings.reset().catch(() => undefined);
    }
  }

  /** Ledger writes only, all in one transaction: the ledger says the target, or nothing changed. */
  private async stamp(steps: readonly Step[]): Promise<void> {
    const checksums = new Map<string, string | null>();
    for (const step of steps) {
      if (step.direction === 'up') checksums.set(step.revision.id, await this.migrations.checksum(this.files.get(step.revision.id)));
    }
    await this.runner.startTransaction();
    try {
      await this.ensureLedger();
      for (const step of steps) {
        const id = step.revision.id;
        const statement = this.files.has(id)
          ? this.migrations.recordSql(this.files.get(id), step.direction, 'stamp', checksums.get(id) ?? null, null)
          : this.ledger.removeSql({ id, message: '', by: APPLIED_BY, event: 'unstamped' }, this.present.typeorm);
        await this.ledger.record(this.runner, statement);
      }
      await this.runner.commitTransaction();
    } catch (error) {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  /** Creates the ledger (and its log) in the first step's transaction, so a failed first migration leaves nothing. */
  private async ensureLedger(): Promise<void> {
    await this.ledger.ensure(this.runner, this.present);
    this.present = { ledger: true, log: true, mirrorColumn: true, typeorm: this.present.typeorm || this.ledger.mirrors(false) };
  }

  private assertTransactional(steps: readonly Step[], what: string): void {
    const outside = steps.find((step) => new (this.files.get(step.revision.id).migrationClass)().transaction === false);
    if (outside) {
      throw new UsageError(
        `Migration ${outside.revision.id} runs outside a transaction (transaction = false): it cannot run in ${what}`,
        `Run the migrations before it in ${what} with --to, then apply it on its own with \`db migrate\`.`,
      );
    }
  }
}
