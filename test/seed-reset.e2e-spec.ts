import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Seeder, type MigrationSeeder } from 'nest-migrations';
import { dumpCatalog } from 'nest-migrations/testing';
import { runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, LEDGER, LEDGER_TABLES, ledgerIds, tableExists } from './support/example-app';
import { runInProcess, testAppModule } from './support/in-process';

const ran: string[] = [];

@Seeder({ dependsOn: ['TeamsSeeder'] })
@Injectable()
class MembersSeeder implements MigrationSeeder {
  async run(manager: EntityManager): Promise<void> {
    ran.push('members');
    await manager.query(`INSERT INTO seeded (what) VALUES ('members')`);
  }
}

@Seeder()
@Injectable()
class TeamsSeeder implements MigrationSeeder {
  async run(manager: EntityManager): Promise<void> {
    ran.push('teams');
    await manager.query(`INSERT INTO seeded (what) VALUES ('teams')`);
  }
}

@Seeder({ name: 'settings', once: true, dependsOn: [MembersSeeder] })
@Injectable()
class SettingsSeeder implements MigrationSeeder {
  async run(manager: EntityManager): Promise<void> {
    ran.push('settings');
    await manager.query(`INSERT INTO seeded (what) VALUES ('settings')`);
  }
}

@Seeder({ environments: ['production'] })
@Injectable()
class ProductionOnlySeeder implements MigrationSeeder {
  async run(manager: EntityManager): Promise<void> {
    ran.push('production');
    await manager.query(`INSERT INTO seeded (what) VALUES ('production')`);
  }
}

@Seeder({ dependsOn: ['settings'] })
@Injectable()
class BrokenSeeder implements MigrationSeeder {
  async run(manager: EntityManager): Promise<void> {
    ran.push('broken');
    await manager.query(`INSERT INTO seeded (what) VALUES ('broken')`);
    await manager.query(`INSERT INTO no_such_table VALUES (1)`);
  }
}

/** db seed and db reset, with the guards users rely on. */
describe('seed', () => {
  let db: TestDatabase;
  const fixtures = join(__dirname, 'fixtures', 'ambiguous');
  const app = (providers: Function[]) =>
    testAppModule({ url: db.url, entities: [], migrationsDir: fixtures, providers: providers as never[] });

  beforeAll(async () => {
    db = await createTestDatabase('seed');
    await db.query('CREATE TABLE seeded (id serial PRIMARY KEY, what text NOT NULL)');
  });
  afterAll(() => db.drop());
  beforeEach(() => (ran.length = 0));

  const seededRows = async () => (await db.query<{ what: string }>('SELECT what FROM seeded ORDER BY id')).map((row) => row.what);

  it('runs seeders after the ones they depend on, skips other environments, and runs once-seeders once', async () => {
    const seeders = app([SettingsSeeder, MembersSeeder, ProductionOnlySeeder, TeamsSeeder]);
    const first = await runInProcess(seeders, ['db', 'seed']);
    expect(first.code).toBe(0);
    expect(ran).toEqual(['teams', 'members', 'settings']);
    expect(first.stdout).toContain('skipped ProductionOnlySeeder: not for NODE_ENV=test');
    ran.length = 0;
    const second = await runInProcess(seeders, ['db', 'seed']);
    expect(second.code).toBe(0);
    expect(ran).toEqual(['teams', 'members']);
    expect(second.stdout).toContain('skipped settings: already seeded (runs once)');
    expect(await seededRows()).toEqual(['teams', 'members', 'settings', 'teams', 'members']);
  });

  it('runs only the named seeder with --only, and refuses an unknown name', async () => {
    await db.query('TRUNCATE seeded');
    const seeders = app([MembersSeeder, TeamsSeeder]);
    expect((await runInProcess(seeders, ['db', 'seed', '--only', 'TeamsSeeder'])).code).toBe(0);
    expect(ran).toEqual(['teams']);
    const unknown = await runInProcess(seeders, ['db', 'seed', '--only', 'Nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No seeder named 'Nope'");
    expect(unknown.stderr).toContain('Seeders: TeamsSeeder, MembersSeeder');
  });

  it('names a failing seeder and leaves its data out, keeping the seeders before it', async () => {
    await db.query('TRUNCATE seeded');
    await db.query(`DROP TABLE IF EXISTS ${LEDGER}_seeds`);
    const result = await runInProcess(app([BrokenSeeder, SettingsSeeder, MembersSeeder, TeamsSeeder]), ['db', 'seed']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Seeder BrokenSeeder failed: relation "no_such_table" does not exist$/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(ran).toEqual(['teams', 'members', 'settings', 'broken']);
    expect(await seededRows()).toEqual(['teams', 'members', 'settings']);
  });

  it('refuses a cycle between seeders before running any', async () => {
    @Seeder({ name: 'a', dependsOn: ['b'] })
    @Injectable()
    class A implements MigrationSeeder {
      async run(): Promise<void> {
        ran.push('a');
      }
    }
    @Seeder({ name: 'b', dependsOn: ['a'] })
    @Injectable()
    class B implements MigrationSeeder {
      async run(): Promise<void> {
        ran.push('b');
      }
    }
    const result = await runInProcess(app([A, B]), ['db', 'seed']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Seeders depend on each other in a cycle: a -> b -> a');
    expect(ran).toEqual([]);
  });
});

describe('reset', () => {
  let db: TestDatabase;
  let cli: ReturnType<typeof cliFor>;

  beforeAll(async () => {
    db = await createTestDatabase('reset');
    cli = cliFor(db);
    expect((await cli('db', 'migrate')).code).toBe(0);
    await db.query(`CREATE TYPE mood AS ENUM ('ok', 'meh')`);
    await db.query(`CREATE VIEW active_users AS SELECT id FROM users WHERE is_active`);
    await db.query(`CREATE SEQUENCE invoice_numbers`);
    await db.query(`CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42'`);
    await db.query(`INSERT INTO users (email, name) VALUES ('x@example.com', 'X')`);
  });
  afterAll(() => db.drop());

  it('refuses without --force, lists what it would drop, and drops nothing', async () => {
    const before = await dumpCatalog(db.query);
    const result = await cli('db', 'reset');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Refusing to reset .* without --force: it would drop/);
    for (const name of ['users', 'orders', LEDGER, 'active_users', 'invoice_numbers', 'mood', 'answer']) expect(result.stderr).toContain(name);
    expect(await dumpCatalog(db.query)).toEqual(before);
  });

  it('refuses in production, and on a database marked with db protect, unless --confirm names it', async () => {
    const before = await dumpCatalog(db.query);
    const production = await runCli(['db', 'reset', '-f'], { env: { DATABASE_URL: db.url, NODE_ENV: 'production' } });
    expect(production.code).toBe(2);
    expect(production.stderr).toContain('it is a production database (NODE_ENV=production)');
    expect(production.stderr).toContain(`--confirm ${db.name}`);

    expect((await cli('db', 'protect')).code).toBe(0);
    const marked = await cli('db', 'reset', '-f', '--confirm', 'some_other_db');
    expect(marked.code).toBe(2);
    expect(marked.stderr).toContain('marked with `db protect`');
    expect(await dumpCatalog(db.query)).toEqual(before);
    expect((await cli('db', 'protect', '--remove')).code).toBe(0);
  });

  it('drops everything in the schema, ledger included, and re-applies every migration', async () => {
    const fresh = await createTestDatabase('reset_fresh');
    try {
      expect((await cliFor(fresh)('db', 'migrate')).code).toBe(0);
      const result = await cli('db', 'reset', '-f', '--seed');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Reset: dropped \d+ objects, applied 3 migrations\./);
      expect(result.stdout).toContain('seeded UsersSeeder');
      expect(await tableExists(db, 'active_users')).toBe(false);
      const seeded = await db.query('SELECT email FROM users ORDER BY email');
      expect(seeded.map((row) => row.email)).toEqual(['ada@example.com', 'grace@example.com']);
      await db.query('DELETE FROM users');
      expect(await dumpCatalog(db.query, { exclude: LEDGER_TABLES })).toEqual(await dumpCatalog(fresh.query, { exclude: LEDGER_TABLES }));
      expect((await ledgerIds(db)).length).toBe(3);
    } finally {
      await fresh.drop();
    }
  });
});
