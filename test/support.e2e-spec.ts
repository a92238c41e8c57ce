/**
 * Sanity test of the test infrastructure itself, against the real server
 * chosen by the global setup: per-file databases and catalog snapshots.
 */
import { Client } from 'pg';
import { dumpCatalog } from 'nest-migrations/testing';
import { REPO_ROOT, runCli, runCliConcurrently } from './support/cli';
import { createTestDatabase, databaseExists, type TestDatabase } from './support/database';

const SCHEMA = `
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
  CREATE DOMAIN positive_int AS integer NOT NULL CHECK (VALUE > 0);
  CREATE TABLE author (
    id serial PRIMARY KEY,
    name text NOT NULL,
    mood mood DEFAULT 'ok',
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE book (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id integer NOT NULL REFERENCES author (id) ON DELETE CASCADE,
    title varchar(200) NOT NULL,
    pages positive_int,
    isbn char(13) UNIQUE,
    CONSTRAINT title_not_blank CHECK (length(trim(title)) > 0)
  );
  CREATE INDEX book_title_idx ON book (lower(title));
  CREATE SEQUENCE ticket_seq START 100 INCREMENT 5;
  CREATE VIEW author_books AS
    SELECT a.name, count(b.id) AS books FROM author a LEFT JOIN book b ON b.author_id = a.id GROUP BY a.name;
  CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
  CREATE TRIGGER author_touch BEFORE UPDATE ON author FOR EACH ROW EXECUTE FUNCTION touch();
  CREATE SCHEMA audit;
  CREATE TABLE audit.event (id serial PRIMARY KEY, payload jsonb);
`;
const LEDGER = `CREATE TABLE migrations_ledger (id serial PRIMARY KEY, revision text NOT NULL UNIQUE)`;

describe('test support: createTestDatabase + dumpCatalog', () => {
  let a: TestDatabase;
  let b: TestDatabase;

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase('support-a'), createTestDatabase('Support B!')]);
  });
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it('creates uniquely named, safe, empty databases on the test server', async () => {
    expect(a.name).not.toBe(b.name);
    for (const db of [a, b]) {
      expect(db.name).toMatch(/^[a-z][a-z0-9_]{0,62}$/);
      expect(db.name).toContain(`_${process.pid}_`);
      expect((await db.query('SELECT current_database() AS db'))[0].db).toBe(db.name);
      const tables = await db.query(`SELECT 1 FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
      expect(tables).toHaveLength(0);
    }
    expect(b.name.startsWith('support_b_')).toBe(true);
    expect(new URL(a.url).pathname).toBe(`/${a.name}`);
    expect(await databaseExists(a.name)).toBe(true);
  });

  it('passes parameters through query()', async () => {
    const rows = await a.query<{ n: number; s: string }>('SELECT $1::int + 1 AS n, $2::text AS s', [41, 'x']);
    expect(rows).toEqual([{ n: 42, s: 'x' }]);
  });

  it('dumps the same catalog for the same schema, and sees differences', async () => {
    const empty = await dumpCatalog(a.query);
    expect(empty.tables).toEqual([]);
    expect(empty.schemas).toEqual(['public']);

    await a.query(SCHEMA);
    await b.query(SCHEMA);
    const dumpA = await dumpCatalog(a.query);
    expect(dumpA).toEqual(await dumpCatalog(a.query)); // deterministic
    expect(dumpA).toEqual(await dumpCatalog(b.query)); // same DDL, other database

    expect(dumpA.schemas).toEqual(['audit', 'public']);
    expect(dumpA.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['audit.event', 'public.author', 'public.book']);
    const book = dumpA.tables.find((t) => t.name === 'book')!;
    expect(book.columns.map((c) => c.name)).toEqual(['id', 'author_id', 'title', 'pages', 'isbn']);
    expect(book.columns.find((c) => c.name === 'title')).toMatchObject({ type: 'character varying(200)', notNull: true });
    expect(book.columns.find((c) => c.name === 'id')).toMatchObject({ type: 'bigint', identity: 'a' });
    expect(book.indexes.map((i) => i.name)).toEqual(['book_isbn_key', 'book_pkey', 'book_title_idx']);
    expect(book.constraints.find((c) => c.name === 'title_not_blank')?.definition).toMatch(/^CHECK \(length\(/);
    expect(book.constraints.find((c) => c.type === 'f')?.definition).toBe(
      'FOREIGN KEY (author_id) REFERENCES author(id) ON DELETE CASCADE',
    );
    const author = dumpA.tables.find((t) => t.name === 'author')!;
    expect(author.columns.find((c) => c.name === 'id')?.default).toBe(`nextval('author_id_seq'::regclass)`);
    expect(author.triggers.map((t) => t.name)).toEqual(['author_touch']);
    expect(dumpA.enums).toEqual([{ schema: 'public', name: 'mood', labels: ['sad', 'ok', 'happy'] }]);
    expect(dumpA.domains[0]).toMatchObject({ name: 'positive_int', baseType: 'integer', notNull: true });
    expect(dumpA.views.map((v) => v.name)).toEqual(['author_books']);
    expect(dumpA.functions.map((f) => f.name)).toEqual(['touch']);
    expect(dumpA.sequences.map((s) => [s.name, s.ownedBy])).toEqual([
      ['event_id_seq', 'audit.event.id'],
      ['author_id_seq', 'public.author.id'],
      ['book_id_seq', 'public.book.id'],
      ['ticket_seq', null],
    ]);
    expect(dumpA.sequences.find((s) => s.name === 'ticket_seq')).toMatchObject({ start: '100', increment: '5' });

    // Data does not matter, schema does.
    await a.query(`INSERT INTO author (name) VALUES ('x')`);
    await a.query(`SELECT nextval('ticket_seq')`);
    expect(await dumpCatalog(a.query)).toEqual(dumpA);

    await b.query('ALTER TABLE book ADD COLUMN subtitle text');
    expect(await dumpCatalog(b.query)).not.toEqual(dumpA);
    await b.query('ALTER TABLE book DROP COLUMN subtitle');
    expect(await dumpCatalog(b.query)).toEqual(dumpA); // dropped columns leave no trace

    await b.query(`ALTER TYPE mood ADD VALUE 'ecstatic'`);
    expect(await dumpCatalog(b.query)).not.toEqual(dumpA);
  });

  it('leaves excluded tables (and the sequences they own) out', async () => {
    const before = await dumpCatalog(a.query, { exclude: ['migrations_ledger'] });
    await a.query(LEDGER);
    const withLedger = await dumpCatalog(a.query);
    expect(withLedger.tables.map((t) => t.name)).toContain('migrations_ledger');
    expect(withLedger.sequences.map((s) => s.name)).toContain('migrations_ledger_id_seq');
    expect(await dumpCatalog(a.query, { exclude: ['migrations_ledger'] })).toEqual(before);
    expect(await dumpCatalog(a.query, { exclude: ['public.migrations_ledger'] })).toEqual(before);
  });

  it('accepts a pg Client query function too', async () => {
    const client = new Client({ connectionString: a.url });
    await client.connect();
    try {
      const viaClient = await dumpCatalog((sql, params) => client.query(sql, params));
      expect(viaClient).toEqual(await dumpCatalog(a.query));
    } finally {
      await client.end();
    }
  });

  it('drop() terminates connections, removes the database, and is idempotent', async () => {
    const c = await createTestDatabase('support-drop');
    const holder = new Client({ connectionString: c.url });
    holder.on('error', () => undefined);
    await holder.connect();
    await c.query('CREATE TABLE t (id int)');
    expect(await databaseExists(c.name)).toBe(true);

    await c.drop();
    expect(await databaseExists(c.name)).toBe(false);
    await expect(c.drop()).resolves.toBeUndefined();
    await expect(holder.query('SELECT 1')).rejects.toThrow();
    await holder.end().catch(() => undefined);
  });
});

describe('test support: runCli', () => {
  const saved = { entry: process.env.TEST_CLI_ENTRY, url: process.env.DATABASE_URL };
  beforeAll(() => {
    process.env.TEST_CLI_ENTRY = 'test/support/fixtures/echo-cli.js';
    process.env.DATABASE_URL = 'postgres://inherited@example.invalid/x';
  });
  afterAll(() => {
    for (const [k, v] of [['TEST_CLI_ENTRY', saved.entry], ['DATABASE_URL', saved.url]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('runs node <entry> with args, from the repo root, without an inherited DATABASE_URL', async () => {
    const r = await runCli(['status', '--json'], { env: { EXTRA: 'yes' }, input: 'y\n' });
    expect(r).toMatchObject({ code: 0, signal: null, stderr: 'to-stderr', timedOut: false });
    expect(r.durationMs).toBeGreaterThan(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      argv: ['status', '--json'],
      cwd: REPO_ROOT,
      databaseUrl: null,
      extra: 'yes',
      input: 'y\n',
    });
  });

  it('passes DATABASE_URL and cwd when given, and reports exit codes and timeouts', async () => {
    const given = await runCli(['x'], { env: { DATABASE_URL: 'postgres://given/db' }, cwd: __dirname });
    expect(JSON.parse(given.stdout)).toMatchObject({ databaseUrl: 'postgres://given/db', cwd: __dirname });
    expect((await runCli(['fail', '3'])).code).toBe(3);
    const slow = await runCli(['sleep', '10000'], { timeoutMs: 300 });
    expect(slow).toMatchObject({ code: null, signal: 'SIGKILL', timedOut: true });
  });

  it('runCliConcurrently starts n processes at once', async () => {
    const results = await runCliConcurrently(4, (i) => [`run-${i}`]);
    expect(results.map((r) => JSON.parse(r.stdout).argv[0])).toEqual(['run-0', 'run-1', 'run-2', 'run-3']);
    const starts = results.map((r) => JSON.parse(r.stdout).startedAt as number);
    // Overlapping, not one after another: all started before the slowest finished.
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(Math.max(...results.map((r) => r.durationMs)));
  });
});
