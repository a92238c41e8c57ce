import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, exampleRevisions } from './support/example-app';
import { runInProcess, testAppModule } from './support/in-process';

const INDEX = 'IDX_a922b820eeef29ac1c6800e826';

/** `db check` on the live database: what was added, changed or dropped by hand since the migrations ran. */
describe('db check: drift of the live database (example app)', () => {
  let db: TestDatabase;
  let cli: ReturnType<typeof cliFor>;
  const ids = exampleRevisions().map((revision) => revision.id);

  beforeAll(async () => {
    db = await createTestDatabase('drift');
    cli = cliFor(db);
  });
  afterAll(() => db.drop());

  it('behind head is pending, not drift: compared with the applied migrations only, exit 0', async () => {
    expect((await cli('db', 'migrate', '--to', ids[0])).code).toBe(0);
    const text = await cli('db', 'check');
    expect(text.stdout).toContain(`${ids.length - 1} migration(s) pending (not drift): the live database was compared with its 1 applied migration(s)`);
    expect(text.stdout).toContain('The live database matches its applied migrations.');
    expect(text.code).toBe(0);
    const json = await cli('db', 'check', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      inSync: true,
      drift: { checked: true, applied: 1, pending: ids.slice(1).map((id) => ({ id })), unknown: [], differences: [] },
    });
  });

  it('at head and untouched: in sync, the ledger and its log not counted as drift', async () => {
    expect((await cli('db', 'migrate')).code).toBe(0);
    const text = await cli('db', 'check');
    expect(text.stdout).toBe('Entities and migrations are in sync.\nThe live database matches its applied migrations.\n');
    expect(text.code).toBe(0);
  });

  it('with revisions the code does not know (newer code migrated it), says drift was not checked', async () => {
    await db.query(`INSERT INTO migrations_ledger (revision, message) VALUES ('ffffffffffff', 'from newer code')`);
    try {
      const text = await cli('db', 'check');
      expect(text.stdout).toContain('Drift not checked: the live database has revisions the code does not know (ffffffffffff)');
      expect(text.code).toBe(0);
      const json = await cli('db', 'check', '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({ inSync: true, drift: { checked: false, skipped: 'unknown-revisions', unknown: ['ffffffffffff'], differences: [] } });
    } finally {
      await db.query(`DELETE FROM migrations_ledger WHERE revision = 'ffffffffffff'`);
    }
  });

  describe('after changes by hand', () => {
    beforeAll(async () => {
      await db.query('ALTER TABLE users ADD COLUMN nickname varchar(40)');
      await db.query(`DROP INDEX "${INDEX}"`);
      await db.query('ALTER TABLE products ALTER COLUMN quantity SET DEFAULT 5');
      await db.query('ALTER TABLE orders ALTER COLUMN status DROP NOT NULL');
      await db.query('CREATE TABLE notes (id serial PRIMARY KEY, body text)');
    });

    it('names each one in text, exit 1', async () => {
      const result = await cli('db', 'check');
      expect(result.stdout).toContain('Entities and migrations are in sync.');
      expect(result.stdout).toContain('The live database differs from what its applied migrations build (5 object(s)');
      const lines = result.stdout.split('\n');
      for (const expected of [
        '  added column public.users.nickname: character varying(40) NULL',
        `  dropped index public.orders.${INDEX}: CREATE INDEX "${INDEX}" ON public.orders USING btree (user_id)`,
        '  changed column public.products.quantity: integer NOT NULL DEFAULT 0 -> integer NOT NULL DEFAULT 5',
        "  changed column public.orders.status: character varying(32) NOT NULL DEFAULT 'pending'::character varying -> character varying(32) NULL DEFAULT 'pending'::character varying",
        "  added table public.notes: (id integer NOT NULL DEFAULT nextval('notes_id_seq'::regclass), body text NULL) with 1 constraint, 1 index",
      ]) {
        expect(lines).toContain(expected);
      }
      expect(result.code).toBe(1);
    });

    it('names each one in --json, exit 1', async () => {
      const result = await cli('db', 'check', '--json');
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout);
      expect(report).toMatchObject({ inSync: false, differences: [], unregistered: [], drift: { checked: true, applied: ids.length, pending: [] } });
      expect(report.drift.differences).toHaveLength(5);
      expect(report.drift.differences).toEqual(
        expect.arrayContaining([
          { kind: 'added', type: 'column', name: 'public.users.nickname', live: 'character varying(40) NULL' },
          { kind: 'dropped', type: 'index', name: `public.orders.${INDEX}`, expected: expect.stringContaining('CREATE INDEX') },
          { kind: 'changed', type: 'column', name: 'public.products.quantity', expected: 'integer NOT NULL DEFAULT 0', live: 'integer NOT NULL DEFAULT 5' },
          { kind: 'changed', type: 'column', name: 'public.orders.status', expected: expect.stringContaining('NOT NULL'), live: expect.stringContaining(' NULL') },
          { kind: 'added', type: 'table', name: 'public.notes', live: expect.stringContaining('body text NULL') },
        ]),
      );
    });

    it('--entities-only compares entities and migrations only, as before: in sync, exit 0', async () => {
      const text = await cli('db', 'check', '--entities-only');
      expect(text.stdout).toBe('Entities and migrations are in sync.\n');
      expect(text.code).toBe(0);
      const json = await cli('db', 'check', '--entities-only', '--json');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ inSync: true, drift: { checked: false, skipped: 'entities-only', differences: [] } });
    });

    it('names types, constraints, sequences and views too', async () => {
      await db.query(`CREATE TYPE mood AS ENUM ('calm', 'busy')`);
      await db.query('ALTER TABLE products ADD CONSTRAINT products_name_key UNIQUE (name)');
      await db.query('ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0)');
      await db.query('ALTER TABLE orders DROP CONSTRAINT "FK_a922b820eeef29ac1c6800e826a"');
      await db.query('ALTER SEQUENCE products_id_seq INCREMENT BY 10');
      await db.query('CREATE VIEW active_users AS SELECT id, email FROM users WHERE is_active');
      const result = await cli('db', 'check', '--json');
      expect(result.code).toBe(1);
      const named = JSON.parse(result.stdout).drift.differences.map((d: { kind: string; type: string; name: string }) => `${d.kind} ${d.type} ${d.name}`);
      expect(named).toEqual(
        expect.arrayContaining([
          'added enum public.mood',
          'added constraint public.products.products_name_key',
          'added constraint public.orders.orders_total_check',
          'dropped constraint public.orders.FK_a922b820eeef29ac1c6800e826a',
          'changed sequence public.products_id_seq',
          'added view public.active_users',
        ]),
      );
      // The unique constraint's own index is on the constraint's line, not a line of its own.
      expect(named).not.toContain('added index public.products.products_name_key');
      expect(named).toHaveLength(11);
    });

    it('an unknown option is one clear line and exit 2', async () => {
      const result = await cli('db', 'check', '--entity-only');
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')[0]).toMatch(/unknown option '--entity-only'/);
    });
  });
});

@Entity('gadgets')
class Gadget {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 50 }) name: string;
}

describe('db check: checkLiveDatabase: false in the module options', () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('drift_opt');
    dir = mkdtempSync(join(tmpdir(), 'drift-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  const app = (checkLiveDatabase?: boolean) =>
    testAppModule({ url: db.url, entities: [Gadget], migrationsDir: dir, migrations: checkLiveDatabase === undefined ? {} : { checkLiveDatabase } });

  it('limits db check to the entities and the migrations', async () => {
    expect((await runInProcess(app(), ['db', 'migrate', '-m', 'Create gadgets'])).code).toBe(0);
    expect((await runInProcess(app(), ['db', 'migrate'])).code).toBe(0);
    await db.query('ALTER TABLE gadgets ADD COLUMN colour text');
    const live = await runInProcess(app(), ['db', 'check']);
    expect(live.stdout).toContain('  added column public.gadgets.colour: text NULL');
    expect(live.code).toBe(1);
    const entitiesOnly = await runInProcess(app(false), ['db', 'check']);
    expect(entitiesOnly.stdout).toBe('Entities and migrations are in sync.\n');
    expect(entitiesOnly.code).toBe(0);
  });
});
