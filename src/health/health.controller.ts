import { Controller, Get } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { MigrationsHealthIndicator } from 'nest-migrations/health';
import type { Environment } from '../config/environment';

/** Probes: `GET /health` for readiness, `GET /health/live` for liveness (see docs/deploy.md). */
@Controller('health')
export class HealthController {
  /** HEALTH_DETAILS=true adds revision ids and failure reasons; by default anyone who can reach /health learns only states. */
  private readonly details: boolean;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly migrations: MigrationsHealthIndicator,
    config: ConfigService<Environment, true>,
  ) {
    this.details = config.get('HEALTH_DETAILS', { infer: true });
  }

  /** Readiness: the database answers and its schema is at the code's head (or ahead of it). */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      async () => this.terse(await this.database.pingCheck('database')),
      () => this.migrations.isHealthy('migrations', { details: this.details }),
    ]);
  }

  /**
   * Liveness: the process serves HTTP. It reads no database on purpose: a database outage makes every
   * replica not ready (no traffic) instead of restarting them all at once.
   */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** The database check's driver message (host, port, SQL error) only with HEALTH_DETAILS. */
  private terse(result: HealthIndicatorResult): HealthIndicatorResult {
    if (this.details) return result;
    return Object.fromEntries(Object.entries(result).map(([key, value]) => [key, { status: value.status }])) as HealthIndicatorResult;
  }
}
