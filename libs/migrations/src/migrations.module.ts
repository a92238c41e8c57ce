import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CLI_COMMANDS } from './cli/commands';
import { MIGRATIONS_OPTIONS_TYPE, MigrationsConfigurableModule } from './nest/migrations.module-definition';
import { MIGRATIONS_EXPORTS, MIGRATIONS_PROVIDERS } from './nest/migrations.providers';
import { resolveOptions } from './nest/options-validation';

/**
 * Adds the migration workflow to an app: `MigrationsService`, the run-on-boot hook, and the `db` commands.
 * It composes the module's services (nest/) with the commands (cli/), so neither layer imports the other's
 * consumers.
 *
 * @example
 * MigrationsModule.forRoot({ migrationsDir: 'migrations' })
 * MigrationsModule.forRootAsync({ inject: [ConfigService], useFactory: (c: ConfigService) => ({ schema: c.get('DB_SCHEMA') }) })
 */
@Module({
  imports: [DiscoveryModule],
  providers: [...MIGRATIONS_PROVIDERS, ...CLI_COMMANDS],
  exports: MIGRATIONS_EXPORTS,
})
export class MigrationsModule extends MigrationsConfigurableModule {
  /** Registers the module; options are checked here, so a mistake stops the app at boot with a clear message. */
  static override forRoot(options: typeof MIGRATIONS_OPTIONS_TYPE = {}): DynamicModule {
    resolveOptions(options);
    return super.forRoot(options);
  }
}
