import { Injectable, Logger } from '@nestjs/common';
import * as terminus from '@nestjs/terminus';
import { redact } from '../adapter/driver-errors';
import { BootMigrator } from '../nest/boot-migrator.service';
import { MigrationsService } from '../nest/migrations.service';

type Details = Record<string, unknown>;
type Result = Record<string, { status: 'up' | 'down' } & Details>;

/** What `/health` may say about migrations. */
export interface MigrationsHealthOptions {
  /**
   * Add the revision ids, the pending count and the failure reason to the response. Default `false`: the
   * response says only `state` (`at-head`, `database-ahead`, `pending`, `migrating`, `failed`, `unreachable`),
   * since a health endpoint is often reachable by anyone; the details go to the log at debug level instead.
   */
  details?: boolean;
}

/**
 * Terminus 10 treats every returned result as up and needs `HealthCheckError` thrown for down; terminus 11 takes
 * either; terminus 12 removed the error and reads `status: 'down'` from the returned result.
 */
const HealthCheckError = (terminus as unknown as { HealthCheckError?: new (message: string, causes: unknown) => Error }).HealthCheckError;

/**
 * A @nestjs/terminus indicator for readiness probes: up at head (or when the database is ahead of this
 * code, which a rolling deploy tolerates), down while migrating, when migrations are pending, or when the
 * boot hook failed with `onFailure: 'continue'`. Terse by default (see {@link MigrationsHealthOptions}).
 * Works with terminus 10, 11 and 12.
 */
@Injectable()
export class MigrationsHealthIndicator {
  private readonly logger = new Logger('MigrationsHealth');

  constructor(
    private readonly migrations: MigrationsService,
    private readonly boot: BootMigrator,
  ) {}

  async isHealthy(key = 'migrations', options: MigrationsHealthOptions = {}): Promise<Result> {
    const { state, status, details } = await this.probe();
    if (Object.keys(details).length) this.logger.debug(`${key}: ${state} ${JSON.stringify(details)}`);
    const result: Result = { [key]: { status, state, ...(options.details ? details : {}) } };
    if (status === 'down' && HealthCheckError) throw new HealthCheckError(`${key} is down`, result);
    return result;
  }

  private async probe(): Promise<{ state: string; status: 'up' | 'down'; details: Details }> {
    const { phase, reason } = this.boot.state;
    if (phase === 'failed') return { state: 'failed', status: 'down', details: { reason: reason === undefined ? undefined : redact(reason) } };
    if (phase === 'running') return { state: 'migrating', status: 'down', details: {} };
    try {
      const status = await this.migrations.status();
      const current = status.current.map((rev) => rev.id);
      if (status.unknown.length) return { state: 'database-ahead', status: 'up', details: { current, unknown: status.unknown } };
      if (status.pending.length) return { state: 'pending', status: 'down', details: { current, pending: status.pending.length } };
      return { state: 'at-head', status: 'up', details: { current } };
    } catch (error) {
      return { state: 'unreachable', status: 'down', details: { reason: redact(error instanceof Error ? error.message.split('\n')[0] : String(error)) } };
    }
  }
}
