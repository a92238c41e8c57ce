import { Client } from 'pg';
import { lockKeys } from '../libs/migrations/src/adapter/runtime/advisory-lock';
import { composeMigrations, type MigrationFolder } from './support/boot-fixtures';
import { runCliConcurrently } from './support/cli';
import { adminDatabaseUrl, createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, LEDGER, ledgerIds } from './support/example-app';
import { pgbouncerBinary, startPgbouncer, type Pooler } from './support/pgbouncer';

const binary = pgbouncerBinary();
if (!binary) process.stderr.write('[pgbouncer] skipped: pgbouncer is not installed here (.ci/run installs it with apt-get)\n');
const describeWithPooler = binary ? describe : describe.skip;

const POOLED = /goes through a pooler in transaction mode/;

async function advisoryLocks(db: TestDatabase): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
  );
  return rows[0].n;
}

/** A pooler with one server connection: every client's statements share it, so what one leaves, the next meets. */
describeWithPooler('PgBouncer in transaction mode', () => {
  let pooler: Pooler;
  let migrations: MigrationFolder;
  let db: TestDatabase;

  beforeAll(async () => {
    const admin = new URL(adminDatabaseUrl());
    pooler = await startPgbouncer({ host: admin.hostname, port: Number(admin.port || 5432) }, { poolSize: 1 });
    migrations = composeMigrations('lock-cic');
  });
  afterAll(async () => {
    migrations.remove();
    await pooler.stop();
  });
  beforeEach(async () => (db = await createTestDatabase('pgbouncer')));
  afterEach(async () => db.drop());

  it('refuses with the fix when the pooled session already holds the lock of another client, and changes nothing', async () => {
    // What a run through the pooler leaves behind: the lock, held by an idle server connection.
    const leaver = new Client({ connectionString: pooler.through(db.url) });
    await leaver.connect();
    const [a, b] = lockKeys(db.name, 'public', LEDGER);
    await leaver.query(`SELECT pg_advisory_lock(${a}, ${b})`);
    await leaver.end();
    const result = await cliFor(db, { DATABASE_URL: pooler.through(db.url), MIGRATIONS_COMPILED_DIR: migrations.dir })('db', 'migrate');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(POOLED);
    expect(result.stderr).toMatch(/^hint: .*MIGRATIONS_DATABASE_URL/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(await ledgerIds(db)).toEqual([]);
  });

  it('two runs at once through it never apply a migration twice, and leave no lock behind', async () => {
    const results = await runCliConcurrently(2, ['db', 'migrate'], { env: { DATABASE_URL: pooler.through(db.url), MIGRATIONS_COMPILED_DIR: migrations.dir } });
    for (const result of results) {
      expect([0, 2]).toContain(result.code);
      if (result.code === 2) expect(result.stderr).toMatch(POOLED);
    }
    const applied = await db.query<{ revision: string; n: number }>(`SELECT revision, count(*)::int AS n FROM ${LEDGER}_log WHERE event = 'applied' GROUP BY revision`);
    expect(applied.every((row) => row.n === 1)).toBe(true);
    expect(await advisoryLocks(db)).toBe(0);
  });

  it('with MIGRATIONS_DATABASE_URL, the app keeps the pooler and migrations use the direct connection', async () => {
    const result = await cliFor(db, { DATABASE_URL: pooler.through(db.url), MIGRATIONS_DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: migrations.dir })('db', 'migrate');
    expect({ code: result.code, stderr: result.stderr.match(/^error: .*$/m)?.[0] }).toEqual({ code: 0, stderr: undefined });
    expect(result.stdout).toContain(`Migrating postgres://postgres@${new URL(db.url).host}/${db.name}`);
    expect(await ledgerIds(db)).toEqual(['c1c000000001', 'c1c000000002']);
    expect(await advisoryLocks(db)).toBe(0);
  });
});
