import { Injectable } from '@nestjs/common';
import * as terminus from '@nestjs/terminus';
import { BootMigrator } from '../nest/boot-migrator.service';
import { MigrationsService } from '../nest/migrations.service';

type Details = Record<string, unknown>;
type Result = Record<string, { status: 'up' | 'down' } & Details>;

/**
 * Terminus 10 treats every returned result as up and needs `HealthCheckError` thrown for down; terminus 11 takes
 * either; terminus 12 removed the error and reads `status: 'down'` from the returned result.
 */
const HealthCheckError = (terminus as unknown as { HealthCheckError?: new (message: string, causes: unknown) => Error }).HealthCheckError;

/**
 * A @nestjs/terminus indicator for readiness probes: up at head (or when the database is ahead of this
 * code, which a rolling deploy tolerates), down while migrating, when migrations are pending, or when the
 * boot hook failed with `onFailure: 'continue'`. Works with terminus 10, 11 and 12.
 */
@Injectable()
export class MigrationsHealthIndicator {
  constructor(
    private readonly migrations: MigrationsService,
    private readonly boot: BootMigrator,
  ) {}

  async isHealthy(key = 'migrations'): Promise<Result> {
    const { phase, reason } = this.boot.state;
    if (phase === 'failed') return down(key, { state: 'failed', reason });
    if (phase === 'running') return down(key, { state: 'migrating' });
    try {
      const status = await this.migrations.status();
      const current = status.current.map((rev) => rev.id);
      if (status.unknown.length) return up(key, { state: 'database-ahead', current, unknown: status.unknown });
      if (status.pending.length) return down(key, { state: 'pending', current, pending: status.pending.length });
      return up(key, { state: 'at-head', current });
    } catch (error) {
      return down(key, { state: 'unreachable', reason: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
}

function up(key: string, details: Details): Result {
  return { [key]: { status: 'up', ...details } };
}

function down(key: string, details: Details): Result {
  const result: Result = { [key]: { status: 'down', ...details } };
  if (HealthCheckError) throw new HealthCheckError(`${key} is down`, result);
  return result;
}
