// Health indicator for @nestjs/terminus, apart from the main barrel so that apps without terminus never load it.
export { MigrationsHealthIndicator, type MigrationsHealthOptions } from './health/migrations-health.indicator';
