import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MigrationsError, OperationFailedError, SafetyRefusalError } from '../core/errors';
import { formatFinding } from '../core/safety';
import { describeLockWait } from './lock-wait-message';
import { logFields } from './structured-log';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';
import { MigrationsService } from './migrations.service';
import { isCliMode } from './run-mode';

/** Where the boot hook stands; read by the health indicator. */
export interface BootState {
  phase: 'off' | 'skipped' | 'running' | 'up-to-date' | 'applied' | 'failed';
  /** Why it failed or was skipped. */
  reason?: string;
  /** The database has revisions this code does not know (an older image after a newer one migrated). */
  databaseAhead?: boolean;
}

/**
 * The run-on-boot hook. It runs in `onModuleInit`, so pending migrations are applied before any module's
 * `onApplicationBootstrap` and before the app listens; never in CLI mode. Every decision is one log line.
 */
@Injectable()
export class BootMigrator implements OnModuleInit {
  private readonly logger = new Logger('Migrations');
  state: BootState = { phase: 'off' };

  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly migrations: MigrationsService,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.options.runOnBoot.enabled || isCliMode()) return;
    const environment = process.env.NODE_ENV ?? 'development';
    const allowed = this.options.runOnBoot.environments;
    if (allowed && !allowed.includes(environment)) {
      this.state = { phase: 'skipped', reason: `NODE_ENV=${environment} is not in runOnBoot.environments` };
      this.logger.log(`Run on boot skipped: NODE_ENV=${environment} is not one of ${allowed.join(', ')}`, ...logFields({ event: 'skipped', environment }));
      return;
    }
    await this.run();
  }

  /** Applies what is pending under the lock, after the policy (and, with `runOnBoot.tenants`, to every tenant); returns normally when the app may serve. */
  async run(): Promise<void> {
    await this.migrateMain();
    if (this.options.runOnBoot.tenants && this.state.phase !== 'failed') await this.migrateTenants();
  }

  /**
   * Every tenant, `tenantConcurrency` at once, each under its own lock and with the boot policy; a tenant at
   * head costs one query. A failed tenant does not stop the others; then the boot fails as `onFailure` says.
   */
  private async migrateTenants(): Promise<void> {
    const started = performance.now();
    try {
      const outcomes = await this.migrations.eachTenant({ all: true }, async (migrations, tenant) => {
        if (await migrations.fullyApplied()) return 0;
        const report = await migrations.upgrade({
          policy: { entrance: 'boot', onWarning: (issue) => this.logger.warn(`Tenant ${tenant.name}: ${issue.message}`, ...logFields({ event: 'warning', tenant: tenant.name, code: issue.code })) },
        });
        if (report.steps.length) this.logger.log(`Tenant ${tenant.name}: applied ${report.steps.length} migration(s) in ${report.totalMs} ms`, ...logFields({ event: 'tenant-done', tenant: tenant.name, applied: report.steps.map((step) => step.revision) }));
        return report.steps.length;
      });
      const failed = outcomes.filter((outcome) => outcome.status !== 'ok');
      for (const outcome of failed) {
        const message = outcome.status === 'failed' ? (outcome.error instanceof Error ? outcome.error.message.split('\n')[0] : String(outcome.error)) : 'not started';
        this.logger.error(`Tenant ${outcome.item.name} failed: ${message}`, ...logFields({ event: 'tenant-failed', tenant: outcome.item.name }));
      }
      if (failed.length) {
        throw new OperationFailedError(`${failed.length} of ${outcomes.length} tenant(s) failed to migrate: ${failed.slice(0, 5).map((outcome) => outcome.item.name).join(', ')}`, undefined, 'tenants_failed');
      }
      const applied = outcomes.filter((outcome) => outcome.status === 'ok' && outcome.value > 0).length;
      const ms = Math.round(performance.now() - started);
      this.logger.log(`Tenants: ${applied} migrated, ${outcomes.length - applied} up to date (${ms} ms)`, ...logFields({ event: 'tenants-done', tenants: outcomes.length, migrated: applied, ms }));
    } catch (error) {
      this.fail(error);
    }
  }

  private async migrateMain(): Promise<void> {
    const boot = this.options.runOnBoot;
    this.state = { phase: 'running' };
    const started = performance.now();
    let databaseAhead = false;
    try {
      if (await this.migrations.fullyApplied()) return await this.upToDate(started);
      const report = await this.migrations.upgrade({
        policy: {
          entrance: 'boot',
          onWarning: (issue) => {
            if (issue.code === 'unknown_revisions') databaseAhead = true;
            this.logger.warn(
              issue.finding ? formatFinding(issue.finding) : `${issue.message}${issue.code === 'unknown_revisions' ? '; serving with the newer schema' : ''}`,
              ...logFields({ event: 'warning', code: issue.code, ...(issue.finding ? { revision: issue.finding.revision, rule: issue.finding.rule ?? issue.finding.check } : {}) }),
            );
          },
          onRefusal: (issue) => {
            if (issue.finding) this.logger.warn(formatFinding(issue.finding), ...logFields({ event: 'refusal', code: issue.code, revision: issue.finding.revision, rule: issue.finding.rule ?? issue.finding.check }));
          },
        },
        onPlan: (steps) => {
          if (steps.length) this.logger.log(`Pending: ${steps.length} migration(s): ${steps.map((step) => step.revision.id).join(', ')}`, ...logFields({ event: 'plan', pending: steps.map((step) => step.revision.id) }));
        },
        onLockWait: (wait) => this.logger.log(describeLockWait(wait), ...logFields({ event: 'lock-wait', phase: wait.phase, waitedMs: Math.round(wait.waitedMs), holderPid: wait.holder?.pid })),
        onLockRetry: ({ revision, retry, retries, pauseMs }) =>
          this.logger.warn(
            `Migration ${revision} timed out waiting for a table lock (lock_timeout ${boot.lockTimeoutMs} ms) and was rolled back: retry ${retry}/${retries} in ${pauseMs} ms`,
            ...logFields({ event: 'retry', revision, retry, retries, pauseMs, lockTimeoutMs: boot.lockTimeoutMs }),
          ),
        onStep: (event) => {
          if (event.phase === 'done') {
            this.logger.log(
              `Applied ${event.revision} (${event.message}) in ${event.ms} ms [${event.index}/${event.total}]`,
              ...logFields({ event: 'applied', revision: event.revision, message: event.message, ms: event.ms, index: event.index, total: event.total }),
            );
          }
        },
      });
      const ms = Math.round(performance.now() - started);
      this.state = { phase: report.steps.length ? 'applied' : 'up-to-date', ...(databaseAhead ? { databaseAhead } : {}) };
      this.logger.log(
        report.steps.length ? `Run on boot applied ${report.steps.length} migration(s) in ${ms} ms` : `Database is up to date (checked in ${ms} ms)`,
        ...logFields({ event: report.steps.length ? 'done' : 'up-to-date', applied: report.steps.map((step) => step.revision), ms }),
      );
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Nothing to apply, known without loading a migration: serve now. The integrity check needs every
   * migration's checksum, so it runs after boot when it only warns, and before serving when it blocks.
   */
  private async upToDate(started: number): Promise<void> {
    if (this.options.checks.integrity === 'block') await this.checkIntegrity();
    this.state = { phase: 'up-to-date' };
    const ms = Math.round(performance.now() - started);
    this.logger.log(`Database is up to date (checked in ${ms} ms)`, ...logFields({ event: 'up-to-date', ms }));
    if (this.options.checks.integrity === 'warn') {
      setImmediate(() => void this.checkIntegrity().catch((error) => this.logger.warn(`Integrity check failed: ${error instanceof Error ? error.message : String(error)}`)));
    }
  }

  /** Applied migrations edited since they were applied: a warning, or a refusal before anything runs. */
  private async checkIntegrity(): Promise<void> {
    const level = this.options.checks.integrity;
    if (level === 'off') return;
    const edited = await this.migrations.edited();
    if (!edited.length) return;
    const message = `Applied migration(s) edited since they were applied: ${edited.join(', ')}`;
    if (level === 'block') throw new SafetyRefusalError(message, 'Restore the applied version, and put the change in a new migration.');
    this.logger.warn(message);
  }

  private fail(error: unknown): void {
    const reason = error instanceof MigrationsError ? `${error.message}${error.hint ? ` (${error.hint})` : ''}` : error instanceof Error ? error.message.split('\n')[0] : String(error);
    this.state = { phase: 'failed', reason };
    if (this.options.runOnBoot.onFailure === 'continue') {
      this.logger.error(`Run on boot failed, serving with the current schema (health: not ready): ${reason}`, ...logFields(failureFields(error, 'continue')));
      return;
    }
    this.logger.error(`Run on boot failed: ${reason}`, ...logFields(failureFields(error, 'exit')));
    throw new BootMigrationError(reason);
  }
}

/** The fields of a failed boot run's log line. */
function failureFields(error: unknown, onFailure: 'exit' | 'continue'): Record<string, unknown> {
  const failed = error as { code?: unknown; revision?: unknown };
  return {
    event: 'failed',
    onFailure,
    code: error instanceof MigrationsError ? error.code : 'unexpected',
    ...(typeof failed?.revision === 'string' ? { revision: failed.revision } : {}),
  };
}

/** Stops the boot (onFailure: exit); `runApp` turns it into a non-zero exit without a stack trace. */
export class BootMigrationError extends MigrationsError {
  readonly exitCode = 1;
  readonly code = 'boot_migration_failed';
  constructor(reason: string) {
    super(`Run on boot failed: ${reason}`);
  }
}
