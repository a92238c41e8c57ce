import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Seeder, type MigrationSeeder } from 'nest-migrations';
import { User } from './user.entity';

/** Demo users; idempotent: existing emails are left as they are. */
@Seeder({ environments: ['development', 'test'] })
@Injectable()
export class UsersSeeder implements MigrationSeeder {
  async run(manager: EntityManager): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(User)
      .values([
        { email: 'ada@example.com', name: 'Ada Lovelace' },
        { email: 'grace@example.com', name: 'Grace Hopper' },
      ])
      .orIgnore()
      .execute();
  }
}
