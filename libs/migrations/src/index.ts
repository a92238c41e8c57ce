// Public API of the migrations module. Everything not exported here is internal.
export { MigrationsModule } from './migrations.module';
export { MigrationsService, type UpgradeOptions, type RollbackOptions, type HistoryFilter } from './nest/migrations.service';
export type { MigrationsModuleOptions } from './nest/migrations-options';
export { InvalidMigrationsOptionsError } from './nest/options-validation';
export { MigrationEntity, EntityRegistry, type MigrationEntityOptions } from './nest/entity-registry';
export { createDatabaseOptions, InvalidDatabaseUrlError, NoDatabaseConfiguredError, type DatabaseOptionsInput } from './nest/database-options';
export { isCliMode } from './nest/run-mode';
export type { StatusReport, HistoryEntry, AuditEvent, RunReport, StampReport, StepEvent, RevisionSummary } from './core/reports';
export { runApp, runCli, runCommand, type RunAppOptions } from './cli/run-app';
export type { RevisionInfo } from './adapter/files/migration-file';
export * from './core/errors';
export { MigrationGenerator, type GenerateOptions, type GenerateReport, type CheckOptions, type CheckReport } from './nest/migration-generator.service';
export { SchemaDriftService, type DriftReport } from './nest/schema-drift.service';
export type { DriftItem, DriftKind } from './core/catalog/schema-drift';
export { BootMigrator, BootMigrationError, type BootState } from './nest/boot-migrator.service';
export { SafetyChecksService, type JudgeOptions, type LintReport } from './nest/safety-checks.service';
export {
  MigrationSafetyCheck,
  type SafetyCheck,
  type SafetyCheckContext,
  type SafetyCheckIssue,
  type SafetyCheckOptions,
} from './nest/safety-check.decorator';
export type { RunOnBootOptions, SafetyChecksOptions, TableSizeOptions } from './nest/migrations-options';
export type { CheckLevel, Finding } from './core/safety';
export { Seeder, type MigrationSeeder, type SeederOptions } from './nest/seeder.decorator';
export { SeedService, SeederFailedError, type SeedEvent } from './nest/seed.service';
export { ResetService, type ResetOptions, type ResetReport } from './nest/reset.service';
export {
  MIGRATION_EVENTS,
  type MigrationEvent,
  type MigrationEventListener,
  type PlanEvent,
  type StepStartEvent,
  type StepEndEvent,
  type RetryEvent,
  type FailureEvent,
  type DoneEvent,
  type RunEntrance,
} from './nest/migration-events';
export type { Tenant, TenantInput, TenantSelection } from './core/tenants';
export { UnknownTenantError } from './core/tenants';
export type { FanOutOutcome } from './core/fan-out';
export type { TenantsOption, TenantSource, TenantSourceContext } from './nest/migrations-options';
export type { FanOutRequest } from './nest/tenant-fan-out';
export type { TenantMatrix, TenantRow, TenantState } from './cli/tenant-matrix';
