/**
 * The testing kit (`nest-migrations/testing`) on the example app, as a user would use it, and on
 * deliberately broken migration sets (test/fixtures/kit-*).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import {
  createMigrationTestDatabase,
  dropMigrationTemplates,
  migrationChecks,
  describeMigrationChecks,
  MigrationCheckError,
  type MigrationTestDatabase,
  type MigrationTestDatabaseOptions,
} from 'nest-migrations/testing';
import { AppModule } from '../src/app.module';
import { UsersService } from '../src/users/users.service';
import { REPO_ROOT } from './support/cli';
import { adminDatabaseUrl, testDatabaseName, withClient } from './support/database';
import { writeChain, type GeneratedChain } from './support/generated-migrations';
import { testAppModule } from './support/in-process';

// Under Jest the example app loads its migrations from the sources (.ts loads here).
process.env.MIGRATIONS_COMPILED_DIR = join(REPO_ROOT, 'migrations');
const adminUrl = adminDatabaseUrl();
const fixture = (name: string) => join(REPO_ROOT, 'test', 'fixtures', name);
/** A prefix of our own per test, so that the first call builds its template; templates are dropped afterwards. */
const prefixes: string[] = [];
const newPrefix = () => {
  const prefix = `kit${randomBytes(3).toString('hex')}`;
  prefixes.push(prefix);
  return prefix;
};
const databases: MigrationTestDatabase[] = [];
async function create(options: Partial<MigrationTestDatabaseOptions> & { prefix: string }): Promise<MigrationTestDatabase> {
  const db = await createMigrationTestDatabase({ module: AppModule, adminUrl, name: testDatabaseName(options.prefix), ...options });
  databases.push(db);
  return db;
}
const query = (db: MigrationTestDatabase, sql: string) => withClient(db.url, async (c) => (await c.query(sql)).rows);

// In parallel: each DROP DATABASE waits for a checkpoint, and concurrent ones share it.
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  await Promise.all(prefixes.map((prefix) => dropMigrationTemplates({ adminUrl, prefix })));
});

describeMigrationChecks({ module: AppModule, adminUrl, title: "the example app's migrations" });

describe('createMigrationTestDatabase', () => {
  it('migrates a template once, then clones it without migrating again', async () => {
    const prefix = newPrefix();
    const first = await create({ prefix });
    expect(first.template).toEqual({ name: expect.stringMatching(new RegExp(`^${prefix}_tpl_[0-9a-f]{16}$`)), hash: expect.any(String), built: true });
    expect(first.timings.migrateMs).toEqual(expect.any(Number));

    const second = await create({ prefix });
    expect(second.template).toEqual({ ...first.template, built: false });
    expect(second.timings).toEqual({ totalMs: expect.any(Number), cloneMs: expect.any(Number) });
    // Same ledger rows, to the microsecond: copied from the template, not applied again.
    const ledger = 'SELECT revision, kind, applied_at::text, applied_by FROM migrations_ledger ORDER BY seq';
    expect(await query(second, ledger)).toEqual(await query(first, ledger));
    expect((await query(second, ledger)).map((row) => row.revision)).toEqual(['626ab0e768ab', '08ab1432a152', 'b82d814bc902']);

    const scratch = await create({ prefix, template: false });
    expect(scratch.template).toBeNull();
    process.stderr.write(
      `[kit] example app: template clone ${second.timings.cloneMs} ms (whole call ${second.timings.totalMs} ms); ` +
        `migrating from scratch ${scratch.timings.migrateMs} ms (whole call ${scratch.timings.totalMs} ms)\n`,
    );
  });

  it('points the app at the new database through DATABASE_URL until drop()', async () => {
    const previous = process.env.DATABASE_URL;
    const db = await create({ prefix: newPrefix() });
    expect(process.env.DATABASE_URL).toBe(db.url);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    try {
      const users = moduleRef.get(UsersService);
      await users.create({ email: 'ada@example.com', name: 'Ada' });
      expect(await users.findAll()).toEqual([expect.objectContaining({ email: 'ada@example.com' })]);
    } finally {
      await moduleRef.close();
    }
    await db.drop();
    expect(process.env.DATABASE_URL).toBe(previous);
    expect(await withClient(adminUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name])).rowCount)).toBe(0);
  });

  it('builds a template once when parallel callers need it', async () => {
    const prefix = newPrefix();
    const dbs = await Promise.all([1, 2, 3].map(() => create({ prefix })));
    expect(dbs.filter((db) => db.template?.built)).toHaveLength(1);
    expect(new Set(dbs.map((db) => db.template?.name)).size).toBe(1);
  });

  it('rebuilds a template left unfinished by a crashed build', async () => {
    const prefix = newPrefix();
    const first = await create({ prefix });
    const template = first.template?.name as string;
    await withClient(adminUrl, (c) => c.query(`ALTER DATABASE "${template}" IS_TEMPLATE false`));
    const second = await create({ prefix });
    expect(second.template).toEqual({ name: template, hash: first.template?.hash, built: true });
  });

  describe('when the migrations change', () => {
    const chains: GeneratedChain[] = [];
    afterAll(() => chains.forEach((chain) => chain.remove()));

    it('builds a new template from scratch and drops the outdated one', async () => {
      const prefix = newPrefix();
      chains.push(writeChain(2), writeChain(3));
      let dir = chains[0].dir;
      const moduleFactory = function chainApp(url: string) {
        return testAppModule({ url, entities: [], migrationsDir: dir });
      };
      const before = await create({ prefix, module: undefined, moduleFactory });
      dir = chains[1].dir;
      const after = await create({ prefix, module: undefined, moduleFactory });
      expect(after.template).toEqual({ name: expect.not.stringMatching(before.template?.name as string), hash: expect.any(String), built: true });
      expect(await query(after, `SELECT to_regclass('t_3') IS NOT NULL AS t3, (SELECT count(*)::int FROM migrations_ledger) AS applied`)).toEqual([
        { t3: true, applied: 3 },
      ]);
      const names = await withClient(adminUrl, async (c) => (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE '${prefix}\\_tpl\\_%'`)).rows);
      expect(names.map((row) => row.datname)).toEqual([after.template?.name]);
    });
  });
});

describe('the checks on broken migrations', () => {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  const checksOf = (dir: string, entities: Function[] = []) =>
    migrationChecks({ moduleFactory: (url) => testAppModule({ url, entities, migrationsDir: fixture(dir) }), adminUrl, prefix: 'kit' });
  const failure = async (check: Promise<void>): Promise<MigrationCheckError> => {
    const error = await check.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationCheckError);
    return error as MigrationCheckError;
  };

  it('upDownUp names the revision whose down leaves an index behind, and shows it', async () => {
    const error = await failure(checksOf('kit-leaky-down').upDownUp());
    expect(error.check).toBe('upDownUp');
    expect(error.revision).toBe('bbbb10000002');
    expect(error.message).toContain('[upDownUp] bbbb10000002 (Add widget name index): its downgrade does not restore the schema from before its upgrade.');
    expect(error.message).toContain('+ index public.widgets.idx_widgets_name: CREATE INDEX idx_widgets_name ON public.widgets USING btree (name)');
    expect(error.differences).toEqual([expect.objectContaining({ kind: 'added', object: 'index public.widgets.idx_widgets_name' })]);
  });

  it('singleHead names both heads and the merge command', async () => {
    const error = await failure(checksOf('kit-two-heads').singleHead());
    expect(error.message).toMatch(/2 heads: dddd10000002 \(Add team name\), eeee10000003 \(Add team color\)/);
    expect(error.message).toContain('db merge dddd10000002 eeee10000003');
  });

  it('entitiesMatchMigrations lists what a migration would need', async () => {
    @Entity('gadgets')
    class Gadget {
      @PrimaryGeneratedColumn() id: number;
      @Column({ type: 'varchar', length: 50 }) name: string;
    }
    const error = await failure(checksOf('kit-two-heads', [Gadget]).entitiesMatchMigrations());
    expect(error.message).toMatch(/a new migration would run:\n {2}CREATE TABLE "gadgets"/);
    // Its scratch database goes, and so does the shadow template its check cached.
    const left = await withClient(adminUrl, async (c) => (await c.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`kit\\_check\\_${process.pid}\\_%`])).rows);
    expect(left).toEqual([]);
  });

  it('the other checks pass on those histories', async () => {
    await checksOf('kit-two-heads').upDownUp();
    await checksOf('kit-two-heads').upgradeBaseToHead();
    // The index goes with its table: only upDownUp sees the leaky down.
    await checksOf('kit-leaky-down').downgradeToBaseLeavesNothing();
  });
});
