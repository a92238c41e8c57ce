import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createDatabaseOptions, MigrationsModule } from 'nest-migrations';
import { validateEnvironment, type Environment } from './config/environment';
import { HealthModule } from './health/health.module';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';
import { UsersModule } from './users/users.module';
import { exampleTenants } from './tenants';

type Config = ConfigService<Environment, true>;

/** Development and tests run on the embedded database when no URL is set; any other NODE_ENV needs DATABASE_URL. */
const DEVELOPMENT = ['development', 'test'];

@Module({
  imports: [
    // Every variable is checked at start, with its default (src/config/environment.ts, .env.example).
    ConfigModule.forRoot({ isGlobal: true, validate: validateEnvironment }),
    // Entities come from the registry that @MigrationEntity fills: there is no list to keep in sync.
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: Config) =>
        createDatabaseOptions({
          url: config.get('DATABASE_URL', { infer: true }),
          embedded: config.get('DATABASE_EMBEDDED', { infer: true }) ?? DEVELOPMENT.includes(config.get('NODE_ENV', { infer: true }) ?? ''),
          embeddedDataDir: config.get('PGLITE_DATA_DIR', { infer: true }),
        }),
    }),
    MigrationsModule.forRootAsync({
      isGlobal: true,
      inject: [ConfigService],
      useFactory: (config: Config) => ({
        migrationsDir: config.get('MIGRATIONS_DIR', { infer: true }),
        // The compiled twin (dist/migrations) is found from tsconfig.build.json's outDir, or beside dist/main.js.
        compiledMigrationsDir: config.get('MIGRATIONS_COMPILED_DIR', { infer: true }),
        migrationsUrl: config.get('MIGRATIONS_DATABASE_URL', { infer: true }),
        lockWaitMs: config.get('MIGRATIONS_LOCK_WAIT_MS', { infer: true }),
        // MIGRATE_ON_BOOT=true applies pending migrations before the app serves (see docs/run-on-boot.md).
        runOnBoot: {
          enabled: config.get('MIGRATE_ON_BOOT', { infer: true }),
          onFailure: config.get('MIGRATE_ON_BOOT_ON_FAILURE', { infer: true }),
          onUnknownRevisions: config.get('MIGRATE_ON_BOOT_ON_UNKNOWN', { infer: true }),
          lockTimeoutMs: config.get('MIGRATE_ON_BOOT_LOCK_TIMEOUT_MS', { infer: true }),
          lockRetries: config.get('MIGRATE_ON_BOOT_LOCK_RETRIES', { infer: true }),
          tenants: config.get('MIGRATE_ON_BOOT_TENANTS', { infer: true }),
        },
        // `db migrate` against a database migrated by newer code: a warning and exit 0 (continue), or exit 2 (fail).
        cli: {
          onUnknownRevisions: config.get('MIGRATIONS_ON_UNKNOWN_REVISIONS', { infer: true }),
          lockTimeoutMs: config.get('MIGRATIONS_LOCK_TIMEOUT_MS', { infer: true }),
          lockRetries: config.get('MIGRATIONS_LOCK_RETRIES', { infer: true }),
        },
        checks: { integrity: config.get('MIGRATIONS_INTEGRITY', { infer: true }) },
        // Schema- or database-per-tenant apps: TENANTS lists them, or `table` reads the `tenants` table (src/tenants.ts, docs/tenants.md).
        tenants: exampleTenants(config.get('TENANTS', { infer: true })),
        tenantConcurrency: config.get('MIGRATIONS_TENANT_CONCURRENCY', { infer: true }),
      }),
    }),
    UsersModule,
    ProductsModule,
    OrdersModule,
    HealthModule,
  ],
})
export class AppModule {}
