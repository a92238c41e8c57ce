import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createDatabaseOptions, MigrationsModule } from '@app/migrations';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    // Entities come from the registry that @MigrationEntity fills: there is no list to keep in sync.
    // DATABASE_URL selects PostgreSQL; without it, an embedded PGlite database in .data/pglite.
    TypeOrmModule.forRootAsync({ useFactory: () => createDatabaseOptions() }),
    MigrationsModule.forRoot({
      migrationsDir: 'migrations',
      compiledMigrationsDir: join(__dirname, '..', 'migrations'),
    }),
    UsersModule,
    ProductsModule,
    OrdersModule,
  ],
})
export class AppModule {}
