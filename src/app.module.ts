import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createDatabaseOptions, MigrationsModule } from '@app/migrations';
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
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        migrationsDir: config.get<string>('MIGRATIONS_DIR', 'migrations'),
        // dist/src/app.module.js -> dist/migrations: where the build puts the compiled migrations.
        compiledMigrationsDir: config.get<string>('MIGRATIONS_COMPILED_DIR', join(__dirname, '..', 'migrations')),
        lockWaitMs: Number(config.get<string>('MIGRATIONS_LOCK_WAIT_MS', '60000')),
      }),
    }),
    UsersModule,
    ProductsModule,
    OrdersModule,
  ],
})
export class AppModule {}
