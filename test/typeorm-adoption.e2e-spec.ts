import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, ledgerIds, tableExists } from './support/example-app';

/**
 * An existing NestJS + TypeORM project adopts the module without rewriting anything: plain TypeORM
 * migrations form a chain by timestamp, and rows in TypeORM's own `migrations` table count as applied.
 */
describe('adopting plain TypeORM migrations', () => {
  let db: TestDatabase;
  let cli: ReturnType<typeof cliFor>;
  const names = ['CreateUsers1700000000000', 'CreateTeams1700000100000', 'CreateProjects1700000200000'];

  beforeAll(async () => {
    db = await createTestDatabase('adoption');
    cli = cliFor(db, { MIGRATIONS_COMPILED_DIR: join(__dirname, 'fixtures', 'typeorm-legacy') });
    // What TypeORM's own CLI leaves behind after running the first two migrations.
    await db.query(`CREATE TABLE "migrations" ("id" SERIAL PRIMARY KEY, "timestamp" bigint NOT NULL, "name" varchar NOT NULL)`);
    await db.query(`CREATE TABLE "users" ("id" SERIAL NOT NULL, CONSTRAINT "PK_users" PRIMARY KEY ("id"))`);
    await db.query(`CREATE TABLE "teams" ("id" SERIAL NOT NULL, CONSTRAINT "PK_teams" PRIMARY KEY ("id"))`);
    await db.query(`INSERT INTO "migrations" ("timestamp", "name") VALUES (1700000000000, $1), (1700000100000, $2)`, names.slice(0, 2));
  });
  afterAll(() => db.drop());

  it('shows the TypeORM migrations as one chain with the first two applied', async () => {
    const history = JSON.parse((await cli('db', 'history', '--json')).stdout);
    expect(history.map((e: { id: string; parents: string[]; applied: boolean; format: string }) => [e.id, e.parents, e.applied, e.format])).toEqual([
      [names[2], [names[1]], false, 'typeorm'],
      [names[1], [names[0]], true, 'typeorm'],
      [names[0], [], true, 'typeorm'],
    ]);
    const current = await cli('db', 'current');
    expect(current.stdout).toContain(`${names[1]}`);
    expect(current.stdout).toContain('1 pending migration');
  });

  it('applies only the migration TypeORM had not run, recording it in the ledger', async () => {
    const result = await cli('db', 'migrate');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`[1/1] apply ${names[2]}`);
    expect(await tableExists(db, 'projects')).toBe(true);
    expect(await ledgerIds(db)).toEqual([names[2]]);
  });

  it('rolls back across both tables, removing TypeORM rows too so its CLI stays consistent', async () => {
    const result = await cli('db', 'rollback', '-s', '2');
    expect(result.code).toBe(0);
    expect(await tableExists(db, 'projects')).toBe(false);
    expect(await tableExists(db, 'teams')).toBe(false);
    expect(await ledgerIds(db)).toEqual([]);
    expect(await db.query(`SELECT name FROM "migrations" ORDER BY id`)).toEqual([{ name: names[0] }]);
    expect((await cli('db', 'migrate')).code).toBe(0);
    expect(await tableExists(db, 'projects')).toBe(true);
  });
});
