import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CLI_COMMANDS } from '../cli/commands';
import { MIGRATIONS_MODULE_OPTIONS, MIGRATIONS_OPTIONS_TYPE, MigrationsConfigurableModule } from './migrations.module-definition';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { MigrationsModuleOptions } from './migrations-options';
import { BootMigrator } from './boot-migrator.service';
import { MigrationGenerator } from './migration-generator.service';
import { ResetService } from './reset.service';
import { SafetyChecksService } from './safety-checks.service';
import { SeedService } from './seed.service';
import { SqlPlanService } from './sql-plan.service';
import { MigrationsService } from './migrations.service';
import { resolveOptions } from './options-validation';

/**
 * Adds the migration workflow to an app: `MigrationsService` and the `db` commands.
 *
 * @example
 * MigrationsModule.forRoot({ migrationsDir: 'migrations' })
 * MigrationsModule.forRootAsync({ inject: [ConfigService], useFactory: (c: ConfigService) => ({ schema: c.get('DB_SCHEMA') }) })
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: RESOLVED_MIGRATIONS_OPTIONS,
      inject: [MIGRATIONS_MODULE_OPTIONS],
      useFactory: (options: MigrationsModuleOptions) => resolveOptions(options),
    },
    MigrationsService,
    MigrationGenerator,
    SafetyChecksService,
    BootMigrator,
    SeedService,
    ResetService,
    SqlPlanService,
    ...CLI_COMMANDS,
  ],
  exports: [MigrationsService, MigrationGenerator, SafetyChecksService, BootMigrator, SeedService, ResetService, SqlPlanService, RESOLVED_MIGRATIONS_OPTIONS],
})
export class MigrationsModule extends MigrationsConfigurableModule {
  /** Registers the module; options are checked here, so a mistake stops the app at boot with a clear message. */
  static override forRoot(options: typeof MIGRATIONS_OPTIONS_TYPE = {}): DynamicModule {
    resolveOptions(options);
    return super.forRoot(options);
  }
}
