import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createDatabaseOptions, MigrationsModule } from 'nest-migrations';
import { HealthModule } from './health/health.module';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    // Entities come from the registry that @MigrationEntity fills: there is no list to keep in sync.
    // DATABASE_URL selects PostgreSQL; without it, an embedded PGlite database in .data/pglite.
    ConfigModule.forRoot({ isGlobal: true }),
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        createDatabaseOptions({ url: config.get<string>('DATABASE_URL'), embeddedDataDir: config.get<string>('PGLITE_DATA_DIR') }),
    }),
    MigrationsModule.forRootAsync({
      isGlobal: true,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        migrationsDir: config.get<string>('MIGRATIONS_DIR', 'migrations'),
        // The compiled twin (dist/migrations) is found from tsconfig.build.json's outDir, or beside dist/main.js.
        compiledMigrationsDir: config.get<string>('MIGRATIONS_COMPILED_DIR'),
        lockWaitMs: Number(config.get<string>('MIGRATIONS_LOCK_WAIT_MS', '60000')),
        // MIGRATE_ON_BOOT=true applies pending migrations before the app serves (see docs/run-on-boot.md).
        runOnBoot: {
          enabled: config.get<string>('MIGRATE_ON_BOOT') === 'true',
          onFailure: config.get<string>('MIGRATE_ON_BOOT_ON_FAILURE') === 'continue' ? 'continue' : 'exit',
          onUnknownRevisions: config.get<string>('MIGRATE_ON_BOOT_ON_UNKNOWN') === 'fail' ? 'fail' : 'continue',
          lockTimeoutMs: Number(config.get<string>('MIGRATE_ON_BOOT_LOCK_TIMEOUT_MS', '5000')),
          lockRetries: Number(config.get<string>('MIGRATE_ON_BOOT_LOCK_RETRIES', '3')),
        },
        // `db migrate` against a database migrated by newer code: a warning and exit 0 (continue), or exit 2 (fail).
        cli: {
          onUnknownRevisions: config.get<string>('MIGRATIONS_ON_UNKNOWN_REVISIONS') === 'fail' ? 'fail' : 'continue',
          lockTimeoutMs: Number(config.get<string>('MIGRATIONS_LOCK_TIMEOUT_MS', '10000')),
          lockRetries: Number(config.get<string>('MIGRATIONS_LOCK_RETRIES', '3')),
        },
        checks: { integrity: (config.get<string>('MIGRATIONS_INTEGRITY') ?? 'warn') as 'off' | 'warn' | 'block' },
      }),
    }),
    UsersModule,
    ProductsModule,
    OrdersModule,
    HealthModule,
  ],
})
export class AppModule {}
