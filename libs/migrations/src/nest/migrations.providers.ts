import type { Provider } from '@nestjs/common';
import { MigrationRuntime } from '../adapter/runtime/migration-runtime';
import { BootMigrator } from './boot-migrator.service';
import { MigrationConnection } from './migration-connection';
import { MigrationEventBus } from './migration-event-bus.service';
import { MigrationTelemetry } from './migration-telemetry.service';
import { MigrationGenerator } from './migration-generator.service';
import { MigrationPolicyService } from './migration-policy.service';
import { MIGRATION_RUNTIME_PROVIDER } from './migration-runtime.provider';
import { MIGRATIONS_MODULE_OPTIONS } from './migrations.module-definition';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { MigrationsModuleOptions } from './migrations-options';
import { MigrationsService } from './migrations.service';
import { resolveOptions } from './options-validation';
import { ResetService } from './reset.service';
import { SchemaDriftService } from './schema-drift.service';
import { SafetyChecksService } from './safety-checks.service';
import { SeedService } from './seed.service';
import { TenantDirectory } from './tenant-directory.service';

/** The module's services, without its commands (the CLI layer adds those). */
export const MIGRATIONS_PROVIDERS: Provider[] = [
  {
    provide: RESOLVED_MIGRATIONS_OPTIONS,
    inject: [MIGRATIONS_MODULE_OPTIONS],
    useFactory: (options: MigrationsModuleOptions) => resolveOptions(options),
  },
  MigrationConnection,
  TenantDirectory,
  MigrationEventBus,
  MigrationTelemetry,
  MIGRATION_RUNTIME_PROVIDER,
  SafetyChecksService,
  MigrationPolicyService,
  MigrationsService,
  SchemaDriftService,
  MigrationGenerator,
  BootMigrator,
  SeedService,
  ResetService,
];

/** What importing modules may inject. */
export const MIGRATIONS_EXPORTS = [
  MigrationsService,
  MigrationGenerator,
  SafetyChecksService,
  MigrationPolicyService,
  BootMigrator,
  SeedService,
  ResetService,
  MigrationRuntime,
  RESOLVED_MIGRATIONS_OPTIONS,
];
