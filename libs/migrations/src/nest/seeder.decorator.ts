import type { Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';

/** A seeder: an injectable class decorated with `@Seeder()`, discovered by Nest (no list to keep). */
export interface MigrationSeeder {
  /** Inserts data through the given manager, whose transaction covers the whole seeder. */
  run(manager: EntityManager): Promise<void>;
}

export interface SeederOptions {
  /** Name for `db seed --only` and `dependsOn`. Default: the class name. */
  name?: string;
  /** Seeders (classes or names) that must run before this one. */
  dependsOn?: (Type<MigrationSeeder> | string)[];
  /** `NODE_ENV` values it runs in; default: all. */
  environments?: string[];
  /** Run once per database (recorded in the seed ledger) instead of every time. Default: false. */
  once?: boolean;
}

/**
 * Declares an injectable class as a seeder for `db seed`.
 *
 * @example
 * \@Seeder({ dependsOn: [UsersSeeder], environments: ['development', 'test'] })
 * \@Injectable()
 * export class OrdersSeeder implements MigrationSeeder { async run(manager: EntityManager) { ... } }
 */
export const Seeder = DiscoveryService.createDecorator<SeederOptions>();
