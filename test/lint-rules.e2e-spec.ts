/**
 * The migration linter on real PostgreSQL, through the built CLI (`db lint`) and the boot hook: severity
 * that follows the size of the table (the planner's row estimate after ANALYZE, and
 * pg_total_relation_size), and findings accepted by a statement marker or the revision's metadata.
 */
import type { DataSource } from 'typeorm';
import { BootMigrationError } from 'nest-migrations';
import { readCatalogFacts } from '../libs/migrations/src/adapter/lint/catalog-facts';
import { parseStatements } from '../libs/migrations/src/adapter/lint/parse-statements';
import { loadSqlParser } from '../libs/migrations/src/adapter/sql-annotations';
import { lintMigrations } from '../libs/migrations/src/core/lint/lint-engine';
import type { MigrationToLint } from '../libs/migrations/src/core/lint/lint-model';
import { relationNames } from '../libs/migrations/src/core/lint/lookups';
import { composeMigrations, type MigrationFolder } from './support/boot-fixtures';
import { bootInProcess, bootTestModule } from './support/boot-module';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, ledgerIds, snapshot } from './support/example-app';
import { runInProcess } from './support/in-process';

const INDEX = 'd1ce00000001';
const INDEX_SQL = 'CREATE INDEX "idx_orders_status" ON "orders" ("status")';

/** A database whose `orders` table holds `rows` rows, analyzed so that reltuples is real. */
async function ordersDatabase(prefix: string, rows: number): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  await db.query('CREATE TABLE orders (id bigserial PRIMARY KEY, status text NOT NULL)');
  if (rows) await db.query(`INSERT INTO orders (status) SELECT CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'new' END FROM generate_series(1, $1::int) g`, [rows]);
  await db.query('ANALYZE orders');
  return db;
}

describe('size-aware lint: one CREATE INDEX on an empty, a medium and a large table', () => {
  let folder: MigrationFolder;
  let empty: TestDatabase;
  let medium: TestDatabase;
  let large: TestDatabase;
  const lint = (db: TestDatabase, ...args: string[]) => cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir })('db', 'lint', ...args);

  beforeAll(async () => {
    folder = composeMigrations('lint-size');
    [empty, medium, large] = await Promise.all([ordersDatabase('lint_empty', 0), ordersDatabase('lint_medium', 50_000), ordersDatabase('lint_large', 1_100_000)]);
  });
  afterAll(async () => {
    folder.remove();
    await Promise.all([empty, medium, large].map((db) => db?.drop()));
  });

  it('on the empty table: no finding, exit 0', async () => {
    const result = await lint(empty);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe('1 migration(s) checked: no findings.');
  });

  it('on 50,000 rows: a warning that names the table, its row estimate and size; exit 0', async () => {
    const result = await lint(medium);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warn ${INDEX} lock-heavy: CREATE INDEX on orders without CONCURRENTLY blocks writes to the table while it builds \\[${escape(INDEX_SQL)}\\]; ` +
            'Use CREATE INDEX CONCURRENTLY in a migration with transaction = false\\. \\(rule require-concurrent-index-creation; public\\.orders: ~5\\d(\\.\\d)?k rows, \\d+(\\.\\d)? MB\\)$',
        ),
      ),
      '1 migration(s) checked: 0 blocking, 1 warning(s).',
    ]);
  });

  it('on 1,100,000 rows: the same statement blocks, exit 1; --json gives rows and bytes', async () => {
    const result = await lint(large, '--json');
    expect(result).toMatchObject({ code: 1, stderr: '' });
    const report = JSON.parse(result.stdout);
    expect(report.catalog).toBe('read');
    expect(report.findings).toEqual([
      {
        check: 'lock-heavy',
        rule: 'require-concurrent-index-creation',
        level: 'block',
        revision: INDEX,
        statement: INDEX_SQL,
        message: 'CREATE INDEX on orders without CONCURRENTLY blocks writes to the table while it builds',
        hint: 'Use CREATE INDEX CONCURRENTLY in a migration with transaction = false.',
        table: 'public.orders',
        rows: expect.any(Number),
        bytes: expect.any(Number),
      },
    ]);
    const [{ bytes }] = await large.query<{ bytes: string }>(`SELECT pg_total_relation_size('orders') AS bytes`);
    expect(report.findings[0].rows).toBeGreaterThan(1_000_000);
    expect(report.findings[0].bytes).toBe(Number(bytes));
  });

  it('the boot hook weighs sizes the same way, with the thresholds of the options, and refuses before anything runs', async () => {
    const before = await snapshot(medium);
    const booted = await bootInProcess(
      bootTestModule({ url: medium.url, migrationsDir: folder.dir, migrations: { tableSizes: { smallRows: 100, largeRows: 20_000 }, runOnBoot: { enabled: true } } }),
    );
    try {
      expect(booted.error).toBeInstanceOf(BootMigrationError);
      expect((booted.error as Error).message).toMatch(new RegExp(`^Run on boot failed: Refusing to migrate on boot: 1 blocking finding\\(s\\) in ${INDEX} \\(lock-heavy\\)`));
      expect(booted.logs.lines('warn')).toEqual([expect.stringMatching(/^BLOCK d1ce00000001 lock-heavy: CREATE INDEX on orders .*\(rule require-concurrent-index-creation; public\.orders: ~5\d(\.\d)?k rows, /)]);
    } finally {
      await booted.close();
    }
    expect(await snapshot(medium)).toEqual(before);
    expect(await ledgerIds(medium)).toEqual([]);
  });
});

describe('accepting findings: statement markers and revision metadata', () => {
  let folder: MigrationFolder;
  let db: TestDatabase;
  const lint = (...args: string[]) => cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir })('db', 'lint', ...args);

  beforeAll(async () => {
    folder = composeMigrations('lint-accept');
    db = await createTestDatabase('lint_accept');
    await db.query('CREATE TABLE accounts (id serial PRIMARY KEY, email text, legacy_note text)');
    await db.query('CREATE TABLE audit_old (id integer)');
    await db.query(`INSERT INTO accounts (email) VALUES ('ada@example.com'), ('alan@example.com')`);
    await db.query('ANALYZE accounts');
  });
  afterAll(async () => {
    folder.remove();
    await db.drop();
  });

  it('db lint shows accepted findings with their reason; a marker without one accepts nothing and is reported; dynamic SQL is "cannot judge"', async () => {
    const result = await lint();
    expect(result).toMatchObject({ code: 1, stderr: '' });
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^accepted d1ce00000011 destructive: DROP COLUMN legacy_note deletes its data \[\/\* lint:accept ban-drop-column reason: .*\]; reason: legacy_note unused since v2\.3, archived in #412 \(rule ban-drop-column; public\.accounts: ~2 rows, .+\)$/,
      ),
      expect.stringMatching(/^BLOCK d1ce00000011 destructive: DROP TABLE deletes its data \[-- lint:accept ban-drop-table DROP TABLE "audit_old"\]; .* \(rule ban-drop-table; public\.audit_old: .+\)$/),
      expect.stringMatching(/^warn d1ce00000011 unjudgeable: cannot judge dynamic SQL in a DO block: EXECUTE format\('ANALYZE %I', 'accounts'\) \[DO .*\]; .*\(rule cannot-judge\)$/),
      expect.stringMatching(/^warn d1ce00000011 accept: marker "lint:accept ban-drop-table" accepts ban-drop-table without a reason: it accepts nothing \[.*\]; .*\(rule invalid-accept\)$/),
      expect.stringMatching(/^accepted d1ce00000012 destructive: RENAME of a column breaks .*; reason: the app reads both names since v4\.1 \(rule renaming-column; public\.accounts: .+\)$/),
      '2 migration(s) checked: 1 blocking, 2 warning(s), 2 accepted.',
    ]);
  });

  it('--json marks accepted findings with their reason', async () => {
    const result = await lint('--json');
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout).findings as { rule: string; level: string; accepted?: boolean; reason?: string }[];
    expect(findings.map(({ rule, level, accepted, reason }) => ({ rule, level, accepted, reason }))).toEqual([
      { rule: 'ban-drop-column', level: 'block', accepted: true, reason: 'legacy_note unused since v2.3, archived in #412' },
      { rule: 'ban-drop-table', level: 'block', accepted: undefined, reason: undefined },
      { rule: 'cannot-judge', level: 'warn', accepted: undefined, reason: undefined },
      { rule: 'invalid-accept', level: 'warn', accepted: undefined, reason: undefined },
      { rule: 'renaming-column', level: 'block', accepted: true, reason: 'the app reads both names since v4.1' },
    ]);
  });

  it('a migration whose blocking findings are all accepted passes: exit 0', async () => {
    const result = await lint('d1ce00000012');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim().split('\n').at(-1)).toBe('1 migration(s) checked: 0 blocking, 0 warning(s), 1 accepted.');
  });
});

describe('type changes judged against the columns in the database', () => {
  let folder: MigrationFolder;
  let db: TestDatabase;
  /** Every table with rows counts as large here, so whatever rewrites blocks. */
  const lint = () =>
    runInProcess(bootTestModule({ url: db.url, migrationsDir: folder.dir, migrations: { tableSizes: { smallRows: 0, smallBytes: 0, largeRows: 100, largeBytes: 1 } } }), ['db', 'lint', '--json']);
  const blocked = async () => {
    const result = await lint();
    return (JSON.parse(result.stdout).findings as { rule: string; level: string; message: string }[]).map(({ rule, level, message }) => `${level} ${rule}: ${message}`);
  };

  beforeAll(async () => {
    folder = composeMigrations('lint-types');
    db = await createTestDatabase('lint_types');
    await db.query('CREATE TABLE items (id serial PRIMARY KEY, name varchar(255), price numeric(10,2), code varchar(20), qty integer, seen_at timestamp)');
    await db.query(`INSERT INTO items (name, price, code, qty, seen_at) SELECT 'n' || g, g, 'c', g, now() FROM generate_series(1, 1000) g`);
    await db.query('ANALYZE items');
  });
  afterAll(async () => {
    folder.remove();
    await db.drop();
  });

  it('widening varchar and numeric precision, and varchar -> text, never block; int -> bigint and timestamp -> timestamptz outside UTC do', async () => {
    await db.query(`ALTER DATABASE "${db.name}" SET timezone = 'Europe/Paris'`);
    expect(await blocked()).toEqual([
      'block changing-column-type: changing the type of items.qty from int4 to int8 rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
      'block changing-column-type: changing the type of items.seen_at from timestamp to timestamptz rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    ]);
  });

  it('agrees with PostgreSQL: exactly the statements it reports get a new relfilenode (a rewrite) when run', async () => {
    const statements = [
      'ALTER TABLE items ALTER COLUMN name TYPE varchar(300)',
      'ALTER TABLE items ALTER COLUMN price TYPE numeric(12,2)',
      'ALTER TABLE items ALTER COLUMN code TYPE text',
      'ALTER TABLE items ALTER COLUMN qty TYPE bigint',
      'ALTER TABLE items ALTER COLUMN seen_at TYPE timestamptz',
    ];
    const rewrites = async (timeZone: string): Promise<string[]> => {
      const rewritten: string[] = [];
      for (const statement of statements) {
        const client = await db.pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(`SET LOCAL TIME ZONE '${timeZone}'`);
          const file = async () => (await client.query(`SELECT relfilenode FROM pg_class WHERE oid = 'items'::regclass`)).rows[0].relfilenode;
          const before = await file();
          await client.query(statement);
          if ((await file()) !== before) rewritten.push(statement.split(' ')[5]);
        } finally {
          await client.query('ROLLBACK');
          client.release();
        }
      }
      return rewritten;
    };
    expect(await rewrites('Europe/Paris')).toEqual(['qty', 'seen_at']);
    expect(await rewrites('UTC')).toEqual(['qty']);
  });

  it('timestamp -> timestamptz needs no rewrite in a UTC session (PostgreSQL 12+)', async () => {
    await db.query(`ALTER DATABASE "${db.name}" SET timezone = 'UTC'`);
    expect(await blocked()).toEqual([
      'block changing-column-type: changing the type of items.qty from int4 to int8 rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    ]);
  });
});

describe('changing-column-type agrees with PostgreSQL, type change by type change', () => {
  /** [column type, new type (and USING)], each run on a table of its own. */
  const CHANGES: [string, string][] = [
    ['varchar(10)', 'varchar(20)'], ['varchar(20)', 'varchar(10)'], ['varchar(10)', 'varchar'], ['varchar(10)', 'text'],
    ['text', 'varchar'], ['text', 'varchar(10)'], ['char(5)', 'char(10)'], ['char(5)', 'text'], ['char(5)', 'varchar(10)'],
    ['numeric(10,2)', 'numeric(12,2)'], ['numeric(10,2)', 'numeric(12,3)'], ['numeric(10,2)', 'numeric'], ['numeric', 'numeric(10,2)'], ['numeric(10,2)', 'numeric(8,2)'],
    ['integer', 'bigint'], ['bigint', 'integer'], ['smallint', 'integer'], ['real', 'double precision'],
    ['timestamp(3)', 'timestamp(6)'], ['timestamp', 'timestamp(3)'], ['timestamptz(0)', 'timestamptz'], ['time(3)', 'time'], ['time', 'time(0)'],
    ['interval(3)', 'interval'], ['varbit(5)', 'varbit(10)'], ['varbit(10)', 'varbit(5)'], ['bit(5)', 'varbit'],
    ['cidr', 'inet'], ['inet', 'cidr'], ['json', 'jsonb'], ['jsonb', 'json'], ['uuid', 'text'], ['integer[]', 'bigint[]'],
    ['varchar(10)', 'text USING c::text'], ['varchar(10)', 'text USING upper(c)'], ['timestamp', 'timestamptz'],
  ];
  let db: TestDatabase;
  beforeAll(async () => {
    await loadSqlParser();
    db = await createTestDatabase('lint_type_pairs');
    for (const [i, [from]] of CHANGES.entries()) await db.query(`CREATE TABLE t${i} (c ${from})`);
  });
  afterAll(async () => {
    await db.drop();
  });

  /** Did PostgreSQL give the table a new file? Run and rolled back. */
  async function rewritten(table: string, statement: string): Promise<boolean> {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL TIME ZONE 'America/New_York'`);
      const file = async () => (await client.query(`SELECT relfilenode FROM pg_class WHERE oid = $1::regclass`, [table])).rows[0].relfilenode;
      const before = await file();
      await client.query(statement);
      return (await file()) !== before;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it(`reports a rewrite exactly where PostgreSQL rewrites (${CHANGES.length} changes)`, async () => {
    const statements = CHANGES.map(([, to], i) => `ALTER TABLE t${i} ALTER COLUMN c TYPE ${to}`);
    const lint: MigrationToLint = { revision: 'd1ce00000031', transactional: true, statements: parseStatements(statements), accept: [], allowDestructive: false };
    const facts = await readCatalogFacts({ query: (sql: string, params: unknown[]) => db.query(sql, params) } as unknown as DataSource, relationNames([lint]), []);
    const findings = lintMigrations([lint], {
      relations: facts.relations,
      // The session the statements run in below.
      timeZone: 'America/New_York',
      serverVersion: facts.serverVersion,
      sizes: false,
      runtime: { lockTimeoutMs: 5000, statementTimeoutMs: 0 },
      levels: (_id, level) => level,
    });
    const judged = statements.map((statement) => findings.some((f) => f.statement === statement && f.rule.id === 'changing-column-type' && / rewrites the table/.test(f.message)));
    const actual: boolean[] = [];
    for (const [i, statement] of statements.entries()) actual.push(await rewritten(`t${i}`, statement));
    const label = (flags: boolean[]) => CHANGES.map(([from, to], i) => `${from} -> ${to}: ${flags[i] ? 'rewrite' : 'no rewrite'}`);
    expect(label(judged)).toEqual(label(actual));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
