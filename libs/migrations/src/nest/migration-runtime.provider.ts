import type { Provider } from '@nestjs/common';
import { MigrationRuntime } from '../adapter/runtime/migration-runtime';
import { MigrationConnection } from './migration-connection';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';

/** The one migration runtime of the app, on the connection migrations use. */
export const MIGRATION_RUNTIME_PROVIDER: Provider = {
  provide: MigrationRuntime,
  inject: [RESOLVED_MIGRATIONS_OPTIONS, MigrationConnection],
  useFactory: (options: ResolvedMigrationsOptions, connection: MigrationConnection) =>
    new MigrationRuntime({
      dataSource: () => connection.dataSource(),
      location: { migrationsDir: options.migrationsDir, compiledMigrationsDir: options.compiledMigrationsDir },
      ledger: {
        schema: options.schema,
        table: options.ledgerTable,
        typeormTable: options.typeormMigrationsTable,
        mirrorToTypeorm: options.mirrorToTypeormTable,
      },
      lockWaitMs: options.lockWaitMs,
    }),
};
