import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedFiles, generatedStatements, newestGenerated } from './support/generated-files';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { dumpCatalog, type CatalogSnapshot } from 'nest-migrations/testing';
import { LEDGER_TABLES } from './support/example-app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { runInProcess, testAppModule } from './support/in-process';
import { TYPEORM_LINE } from './support/typeorm-line';

/**
 * Column type changes keep the data: autogenerate converts a column in place (`ALTER COLUMN ... TYPE`) whenever
 * PostgreSQL can cast it, with the reverse conversion in down(), and drops + adds it (warned, DESTRUCTIVE) only
 * when no cast exists. Each step inserts rows first, applies the generated migration, checks the values, rolls
 * back, checks them again, and migrates again. See libs/migrations/src/adapter/type-conversions.ts.
 */

enum LevelV1 {
  Low = 'low',
  High = 'high',
}
enum LevelV2 {
  Low = 'low',
  High = 'high',
  Urgent = 'urgent',
}

enum Kind {
  A = 'a',
  B = 'b',
}
enum Mood {
  Calm = 'calm',
  Happy = 'happy',
}

type Version = 1 | 2 | 3 | 4;

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function schema(v: Version): Function[] {
  @Entity('tc_items')
  class Item {
    // v3: int -> bigint on a serial primary key: the sequence is widened with it.
    @PrimaryGeneratedColumn(v >= 3 ? { type: 'bigint' } : {}) id: number;
    // v2: binary-coercible widenings, which the safety checks must not refuse.
    @Column({ type: 'varchar', length: v >= 2 ? 300 : 255, unique: true }) code: string;
    @Column({ type: 'numeric', precision: v >= 2 ? 12 : 10, scale: 2 }) price: string;
    @Column({ type: v >= 2 ? 'text' : 'varchar', length: v >= 2 ? undefined : 80 }) label: string;
    @Column({ name: 'stamped_at', type: 'timestamptz', precision: v >= 2 ? 6 : 3, nullable: true }) stampedAt: Date | null;
    // v3: conversions PostgreSQL rewrites the table for.
    @Column({ type: v >= 3 ? 'bigint' : 'integer', default: 0 }) quantity: string;
    @Column({ type: v >= 3 ? 'integer' : 'smallint' }) small: number;
    @Column({ type: v >= 3 ? 'bigint' : 'integer', nullable: v < 3 }) tally: string | null;
    @Column({ type: 'varchar', length: v >= 3 ? 20 : 100 }) name: string;
    @Column({ type: v >= 3 ? 'varchar' : 'text', length: v >= 3 ? 40 : undefined, nullable: true }) note: string | null;
    @Column({ type: v >= 3 ? 'integer' : 'text', nullable: true }) ref: number | string | null;
    @Column({ type: 'numeric', precision: 10, scale: v >= 3 ? 4 : 2, nullable: true }) ratio: string | null;
    @Column({ name: 'seen_at', type: v >= 3 ? 'timestamptz' : 'timestamp', nullable: true }) seenAt: Date | null;
    @Column({ name: 'done_at', type: v >= 3 ? 'timestamp' : 'timestamptz', nullable: true }) doneAt: Date | null;
    @Column({ type: v >= 3 ? 'bigint' : 'integer', array: true, nullable: true }) scores: string[] | null;
    @Column({ type: 'enum', enum: v >= 3 ? LevelV2 : LevelV1, enumName: 'tc_level', default: LevelV1.Low }) level: string;
    // v3: a string column becomes an enum (its type created first), an enum column a string (its type dropped after).
    @Column(v >= 3 ? { type: 'enum', enum: Kind, enumName: 'tc_kind', nullable: true } : { type: 'varchar', length: 20, nullable: true }) kind: string | null;
    @Column(v >= 3 ? { type: 'varchar', length: 30, default: 'calm' } : { type: 'enum', enum: Mood, enumName: 'tc_mood', default: Mood.Calm }) mood: string;
    // v4: no cast from boolean to timestamptz: drop + add, warned.
    @Column(v >= 4 ? { name: 'flag', type: 'timestamptz', nullable: true } : { name: 'flag', type: 'boolean', default: false }) flag: unknown;
  }
  // A foreign key to the widened primary key, whose column TypeORM types after it: both convert, the key is kept.
  @Entity('tc_parts')
  class Part {
    @PrimaryGeneratedColumn() id: number;
    @ManyToOne(() => Item, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'item_id' }) item: Item;
  }
  return [Item, Part];
}

/** The values that must survive every step, read as text so that types do not change how they compare. */
const VALUES = `SELECT id::text, code, price::text, label, quantity::text, small::text, tally::text, name, note, ref::text, ratio::numeric(20,4)::text AS ratio,
                       to_char(seen_at, 'YYYY-MM-DD HH24:MI:SS') AS seen_at, to_char(done_at, 'YYYY-MM-DD HH24:MI:SS') AS done_at,
                       to_char(stamped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS stamped_at,
                       scores::text, level::text, kind::text, mood::text
                  FROM tc_items ORDER BY id`;

describe('autogenerate: type changes keep the data', () => {
  let db: TestDatabase;
  let dir: string;
  const catalogs: Partial<Record<Version, CatalogSnapshot>> = {};
  const entities = { 1: schema(1), 2: schema(2), 3: schema(3), 4: schema(4) };

  beforeAll(async () => {
    db = await createTestDatabase('type_changes');
    dir = mkdtempSync(join(tmpdir(), 'type-changes-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  const app = (v: Version) => testAppModule({ url: db.url, entities: entities[v], migrationsDir: dir, migrations: { sourceRoot: dir } });
  const run = (v: Version, ...args: string[]) => runInProcess(app(v), ['db', ...args]);
  const files = () => generatedFiles(dir);
  const newest = () => newestGenerated(dir);
  /** The newest migration's up (or down): each statement with the comment lines above it. */
  const statements = (method: 'up' | 'down') => generatedStatements(newest(), method);
  const sql = (method: 'up' | 'down') => statements(method).map((statement) => statement.sql);
  const catalog = () => dumpCatalog(db.query, { exclude: LEDGER_TABLES });
  const columnTypes = async () =>
    Object.fromEntries(
      (
        await db.query<{ name: string; type: string }>(
          `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
            WHERE a.attrelid = 'tc_items'::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
        )
      ).map((row) => [row.name, row.type]),
    );

  async function expectInSync(v: Version): Promise<void> {
    const check = await run(v, 'check', '--json');
    expect(JSON.parse(check.stdout)).toMatchObject({ inSync: true, differences: [] });
  }

  /** Generates version `v`, applies it and returns what `db migrate -m` printed. */
  async function generateAndApply(v: Version, ...migrateFlags: string[]): Promise<{ stdout: string; stderr: string }> {
    const generated = await run(v, 'migrate', '-m', `v${v}`);
    expect(generated.code).toBe(0);
    const migrated = await run(v, 'migrate', ...migrateFlags);
    expect(migrated).toMatchObject({ code: 0 });
    await expectInSync(v);
    catalogs[v] = await catalog();
    return generated;
  }

  /** Rolls the newest migration back, checks the schema and the values, and migrates again. */
  async function rollbackAndAgain(v: Version, values: unknown[], previous: Version): Promise<void> {
    expect(await run(v, 'rollback')).toMatchObject({ code: 0, stderr: '' });
    expect(await catalog()).toEqual(catalogs[previous]);
    expect(await db.query(VALUES)).toEqual(values);
    expect(await run(v, 'migrate', '--allow-destructive')).toMatchObject({ code: 0 });
    expect(await catalog()).toEqual(catalogs[v]);
  }

  const rowsV1 = [
    {
      id: '1', code: 'A-1', price: '12345678.90', label: 'first', quantity: '5', small: '7', tally: '3', name: 'short name',
      note: 'a note', ref: '42', ratio: '0.5000', seen_at: '2026-03-01 10:00:00', done_at: '2026-03-02 11:30:00', scores: '{1,2,3}', level: 'high',
      kind: 'b', mood: 'happy', stamped_at: '2026-03-01 10:00:00.123',
    },
    {
      id: '2', code: 'B-2', price: '-0.01', label: 'second', quantity: '2147483647', small: '-32768', tally: '0', name: 'x',
      note: null, ref: null, ratio: null, seen_at: null, done_at: null, scores: null, level: 'low',
      kind: null, mood: 'calm', stamped_at: null,
    },
  ];

  const PARTS = `SELECT id::text, item_id::text FROM tc_parts ORDER BY id`;
  const partsV1 = [{ id: '1', item_id: '1' }, { id: '2', item_id: '2' }, { id: '3', item_id: '2' }];

  it('v1: the table is created; rows go in', async () => {
    await generateAndApply(1);
    await db.query(
      `INSERT INTO tc_items (code, price, label, quantity, small, tally, name, note, ref, ratio, seen_at, done_at, scores, level)
       VALUES ('A-1', 12345678.90, 'first', 5, 7, 3, 'short name', 'a note', '42', 0.5, '2026-03-01 10:00:00', '2026-03-02 11:30:00', '{1,2,3}', 'high'),
              ('B-2', -0.01, 'second', 2147483647, -32768, 0, 'x', NULL, NULL, NULL, NULL, NULL, NULL, 'low')`,
    );
    await db.query(`UPDATE tc_items SET flag = true, kind = 'b', mood = 'happy', stamped_at = '2026-03-01 10:00:00.123+00' WHERE id = 1`);
    await db.query(`INSERT INTO tc_parts (item_id) VALUES (1), (2), (2)`);
    expect(await db.query(VALUES)).toEqual(rowsV1);
  });

  it('v2: binary-coercible widenings are converted in place, not refused by the safety checks, and not marked DESTRUCTIVE', async () => {
    const generated = await generateAndApply(2); // no --allow-destructive: nothing here may be refused
    expect(generated.stderr).toBe('');
    expect(generated.stdout).not.toContain('DESTRUCTIVE');
    expect(sql('up')).toEqual([
      `ALTER TABLE "tc_items" ALTER COLUMN "code" TYPE character varying(300)`,
      `ALTER TABLE "tc_items" ALTER COLUMN "price" TYPE numeric(12,2)`,
      `ALTER TABLE "tc_items" ALTER COLUMN "label" TYPE text`,
      `ALTER TABLE "tc_items" ALTER COLUMN "stamped_at" TYPE timestamp(6) with time zone`,
    ]);
    for (const statement of statements('up')) expect(statement.comment).not.toContain('DESTRUCTIVE');
    expect(statements('up')[0].comment).toBe(
      'TYPE CHANGE: tc_items.code from character varying(255) to character varying(300), converted in place; every value fits the new type',
    );
    expect(sql('down')).toEqual([
      `ALTER TABLE "tc_items" ALTER COLUMN "stamped_at" TYPE timestamp(3) with time zone`,
      `ALTER TABLE "tc_items" ALTER COLUMN "label" TYPE character varying(80)`,
      `ALTER TABLE "tc_items" ALTER COLUMN "price" TYPE numeric(10,2)`,
      `ALTER TABLE "tc_items" ALTER COLUMN "code" TYPE character varying(255)`,
    ]);
    expect(await columnTypes()).toMatchObject({ code: 'character varying(300)', price: 'numeric(12,2)', label: 'text' });
    expect(await db.query(VALUES)).toEqual(rowsV1);
    await rollbackAndAgain(2, rowsV1, 1);
    expect(await db.query(VALUES)).toEqual(rowsV1);
  });

  it('v3: every change PostgreSQL can cast is ALTER COLUMN ... TYPE, with the reverse in down, and the rows keep their values', async () => {
    const generated = await generateAndApply(3, '--allow-destructive');
    const up = sql('up');
    expect(up.filter((statement) => / DROP COLUMN | ADD "/.test(statement))).toEqual([]);
    expect(up).toEqual(
      expect.arrayContaining([
        `ALTER TABLE "tc_items" ALTER COLUMN "id" TYPE bigint`,
        `ALTER SEQUENCE public.tc_items_id_seq AS bigint`,
        `ALTER TABLE "tc_items" ALTER COLUMN "quantity" DROP DEFAULT`,
        `ALTER TABLE "tc_items" ALTER COLUMN "quantity" TYPE bigint`,
        `ALTER TABLE "tc_items" ALTER COLUMN "quantity" SET DEFAULT '0'`,
        `ALTER TABLE "tc_items" ALTER COLUMN "small" TYPE integer`,
        `ALTER TABLE "tc_items" ALTER COLUMN "tally" TYPE bigint`,
        `ALTER TABLE "tc_items" ALTER COLUMN "tally" SET NOT NULL`,
        // Narrowings without USING: PostgreSQL rejects a value that does not fit instead of cutting it.
        `ALTER TABLE "tc_items" ALTER COLUMN "name" TYPE character varying(20)`,
        `ALTER TABLE "tc_items" ALTER COLUMN "note" TYPE character varying(40)`,
        // No assignment cast from text to integer: USING.
        `ALTER TABLE "tc_items" ALTER COLUMN "ref" TYPE integer USING "ref"::integer`,
        `ALTER TABLE "tc_items" ALTER COLUMN "ratio" TYPE numeric(10,4)`,
        `ALTER TABLE "tc_items" ALTER COLUMN "seen_at" TYPE timestamp with time zone`,
        `ALTER TABLE "tc_items" ALTER COLUMN "done_at" TYPE timestamp without time zone`,
        `ALTER TABLE "tc_items" ALTER COLUMN "scores" TYPE bigint[]`,
        `CREATE TYPE "public"."tc_kind" AS ENUM('a', 'b')`,
        `ALTER TABLE "tc_items" ALTER COLUMN "kind" TYPE tc_kind USING "kind"::tc_kind`,
        `ALTER TABLE "tc_items" ALTER COLUMN "mood" DROP DEFAULT`,
        `ALTER TABLE "tc_items" ALTER COLUMN "mood" TYPE character varying(30)`,
        `DROP TYPE "public"."tc_mood"`,
        `ALTER TABLE "tc_items" ALTER COLUMN "mood" SET DEFAULT 'calm'`,
      ]),
    );
    expect(up.indexOf(`CREATE TYPE "public"."tc_kind" AS ENUM('a', 'b')`)).toBeLessThan(up.indexOf(`ALTER TABLE "tc_items" ALTER COLUMN "kind" TYPE tc_kind USING "kind"::tc_kind`));
    // The enum value is added as each TypeORM line does it (1.x in place, 0.3 by recreating the type).
    expect(up).toEqual(
      expect.arrayContaining([TYPEORM_LINE === '1' ? `ALTER TYPE "public"."tc_level" ADD VALUE 'urgent'` : `CREATE TYPE "public"."tc_level" AS ENUM('low', 'high', 'urgent')`]),
    );
    expect(sql('down')).toEqual(
      expect.arrayContaining([
        `ALTER TABLE "tc_items" ALTER COLUMN "id" TYPE integer`,
        `ALTER SEQUENCE public.tc_items_id_seq AS integer`,
        `ALTER TABLE "tc_items" ALTER COLUMN "quantity" TYPE integer`,
        `ALTER TABLE "tc_items" ALTER COLUMN "quantity" SET DEFAULT 0`,
        `ALTER TABLE "tc_items" ALTER COLUMN "ref" TYPE text`,
        `ALTER TABLE "tc_items" ALTER COLUMN "seen_at" TYPE timestamp without time zone`,
        `ALTER TABLE "tc_items" ALTER COLUMN "scores" TYPE integer[]`,
        `CREATE TYPE "public"."tc_mood" AS ENUM('calm', 'happy')`,
        `ALTER TABLE "tc_items" ALTER COLUMN "mood" TYPE tc_mood USING "mood"::tc_mood`,
        `ALTER TABLE "tc_items" ALTER COLUMN "kind" TYPE character varying(20)`,
        `DROP TYPE "public"."tc_kind"`,
      ]),
    );
    // Widenings are said to keep every value; conversions that may round, reinterpret or reject stay DESTRUCTIVE.
    const comment = (statement: string) => statements('up').find((candidate) => candidate.sql === statement)?.comment ?? '';
    // int -> bigint rewrites the table: the safety checks refuse it until reviewed (said below the note), but no value is lost.
    expect(comment(`ALTER TABLE "tc_items" ALTER COLUMN "quantity" TYPE bigint`).split('\n')).toEqual([
      'TYPE CHANGE: tc_items.quantity from integer to bigint, converted in place; every value fits the new type',
      expect.stringMatching(/^REFUSED by the safety checks \(changing-column-type\): .* rewrites the table/),
    ]);
    expect(comment(`ALTER TABLE "tc_items" ALTER COLUMN "name" TYPE character varying(20)`)).toMatch(/^DESTRUCTIVE: changes the type of tc_items\.name.*\nTYPE CHANGE: .*may be rounded or reinterpreted/);
    expect(generated.stderr).not.toContain('cannot cast');

    expect(await columnTypes()).toMatchObject({
      id: 'bigint', quantity: 'bigint', small: 'integer', tally: 'bigint', name: 'character varying(20)', note: 'character varying(40)', ref: 'integer',
      ratio: 'numeric(10,4)', seen_at: 'timestamp with time zone', done_at: 'timestamp without time zone', scores: 'bigint[]',
    });
    expect(await db.query(VALUES)).toEqual(rowsV1);
    expect(await db.query(PARTS)).toEqual(partsV1);
    expect(
      await db.query(`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'tc_parts'::regclass AND attname = 'item_id'`),
    ).toEqual([{ type: 'bigint' }]);
    // The widened columns and sequence take what the old ones could not.
    await db.query(`SELECT setval('tc_items_id_seq', 3000000000)`);
    await db.query(`INSERT INTO tc_items (code, price, label, quantity, small, tally, name, level) VALUES ('C-3', 1, 'third', 9000000000, 70000, 1, 'y', 'urgent')`);
    expect(await db.query(`SELECT id::text, quantity::text FROM tc_items WHERE code = 'C-3'`)).toEqual([{ id: '3000000001', quantity: '9000000000' }]);
    await db.query(`DELETE FROM tc_items WHERE code = 'C-3'`);
    await db.query(`SELECT setval('tc_items_id_seq', 2)`);

    await rollbackAndAgain(3, rowsV1, 2);
    expect(await db.query(VALUES)).toEqual(rowsV1);
    expect(await db.query(PARTS)).toEqual(partsV1);
  });

  it('v4: a change with no cast (boolean -> timestamptz) is drop + add, marked DESTRUCTIVE and warned about', async () => {
    const generated = await run(4, 'migrate', '-m', 'v4', '--json');
    expect(generated.code).toBe(0);
    expect(JSON.parse(generated.stdout)).toMatchObject({
      statements: 2,
      destructive: 1,
      typeChanges: [{ table: 'tc_items', column: 'flag', from: 'boolean', to: 'timestamp with time zone', kept: false }],
    });
    expect(generated.stderr).toContain(
      "warning: tc_items.flag changes from boolean to timestamp with time zone, which PostgreSQL cannot cast: it was generated as drop + add, which loses the column's values",
    );
    expect(sql('up')).toEqual([`ALTER TABLE "tc_items" DROP COLUMN "flag"`, `ALTER TABLE "tc_items" ADD "flag" TIMESTAMP WITH TIME ZONE`]);
    const drop = statements('up')[0].comment;
    expect(drop).toContain('DESTRUCTIVE: drops column tc_items.flag and its data');
    expect(drop).toContain('WARNING: tc_items.flag changes from boolean to timestamp with time zone, which PostgreSQL cannot cast');
    // The safety checks refuse it until reviewed.
    expect((await run(4, 'migrate')).code).toBe(2);
    expect(await run(4, 'migrate', '--allow-destructive')).toMatchObject({ code: 0 });
    await expectInSync(4);
    expect(await db.query(`SELECT flag FROM tc_items`)).toEqual([{ flag: null }, { flag: null }]);
    expect(await db.query(VALUES)).toEqual(rowsV1);
  });
});
