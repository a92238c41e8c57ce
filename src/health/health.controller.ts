import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { MigrationsHealthIndicator } from 'nest-migrations/health';

/** Probes: `GET /health` for readiness, `GET /health/live` for liveness (see docs/deploy.md). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly migrations: MigrationsHealthIndicator,
  ) {}

  /** Readiness: the database answers and its schema is at the code's head (or ahead of it). */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.database.pingCheck('database'), () => this.migrations.isHealthy('migrations')]);
  }

  /**
   * Liveness: the process serves HTTP. It reads no database on purpose: a database outage makes every
   * replica not ready (no traffic) instead of restarting them all at once.
   */
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}
