import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { BootMigrator } from '../nest/boot-migrator.service';
import { MigrationsService } from '../nest/migrations.service';

/**
 * A @nestjs/terminus indicator for readiness probes: up at head (or when the database is ahead of this
 * code, which a rolling deploy tolerates), down while migrating, when migrations are pending, or when the
 * boot hook failed with `onFailure: 'continue'`.
 */
@Injectable()
export class MigrationsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly migrations: MigrationsService,
    private readonly boot: BootMigrator,
  ) {}

  async isHealthy(key = 'migrations') {
    const indicator = this.health.check(key);
    const { phase, reason } = this.boot.state;
    if (phase === 'failed') return indicator.down({ state: 'failed', reason });
    if (phase === 'running') return indicator.down({ state: 'migrating' });
    try {
      const status = await this.migrations.status();
      const current = status.current.map((rev) => rev.id);
      if (status.unknown.length) return indicator.up({ state: 'database-ahead', current, unknown: status.unknown });
      if (status.pending.length) return indicator.down({ state: 'pending', current, pending: status.pending.length });
      return indicator.up({ state: 'at-head', current });
    } catch (error) {
      return indicator.down({ state: 'unreachable', reason: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
}
