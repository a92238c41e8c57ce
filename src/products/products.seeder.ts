import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Seeder, type MigrationSeeder } from 'nest-migrations';
import { Product } from './product.entity';

const CATALOG = [
  { name: 'Keyboard', price: '49.90', quantity: 25 },
  { name: 'Mouse', price: '19.90', quantity: 40 },
  { name: 'Monitor', price: '189.00', quantity: 8 },
];

/** A starter catalog; idempotent: products are matched by name. */
@Seeder({ environments: ['development', 'test'] })
@Injectable()
export class ProductsSeeder implements MigrationSeeder {
  async run(manager: EntityManager): Promise<void> {
    const existing = new Set((await manager.find(Product, { select: { name: true } })).map((product) => product.name));
    const missing = CATALOG.filter((product) => !existing.has(product.name));
    if (missing.length) await manager.insert(Product, missing);
  }
}
