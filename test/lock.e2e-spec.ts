import { spawn } from 'node:child_process';
import { freePorts, startApp, stopAllApps, type AppProcess } from './support/app-process';
import { composeMigrations, type MigrationFolder } from './support/boot-fixtures';
import { cliEntry, cliEnv, REPO_ROOT, runCliConcurrently } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, LEDGER, ledgerIds } from './support/example-app';
import { waitFor } from './support/wait';

const CIC = ['c1c000000001', 'c1c000000002'];

/** How often each revision was applied, from the ledger's audit log. */
async function appliedCounts(db: TestDatabase): Promise<Record<string, number>> {
  const rows = await db.query<{ revision: string; n: number }>(
    `SELECT revision, count(*)::int AS n FROM ${LEDGER}_log WHERE event = 'applied' GROUP BY revision ORDER BY revision`,
  );
  return Object.fromEntries(rows.map((row) => [row.revision, row.n]));
}

async function indexIsValid(db: TestDatabase, name: string): Promise<boolean> {
  const rows = await db.query<{ valid: boolean }>(`SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`, [name]);
  return rows[0]?.valid === true;
}

async function advisoryLocks(db: TestDatabase): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
  );
  return rows[0].n;
}

describe('the migration lock', () => {
  let cic: MigrationFolder;
  let slow: MigrationFolder;

  beforeAll(() => {
    cic = composeMigrations('lock-cic');
    slow = composeMigrations('lock-slow');
  });
  afterAll(async () => {
    await stopAllApps();
    cic.remove();
    slow.remove();
  });

  describe('with CREATE INDEX CONCURRENTLY pending (transaction = false)', () => {
    let db: TestDatabase;
    beforeEach(async () => (db = await createTestDatabase('lock_cic')));
    afterEach(async () => db.drop());

    it('two CLI runs at once: no deadlock, each migration applied once, the index valid', async () => {
      const results = await runCliConcurrently(2, ['db', 'migrate'], { env: { DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: cic.dir } });
      for (const result of results) expect({ code: result.code, error: result.stderr.match(/^error: .*$/m)?.[0] }).toEqual({ code: 0, error: undefined });
      expect(await ledgerIds(db)).toEqual(CIC);
      expect(await appliedCounts(db)).toEqual({ [CIC[0]]: 1, [CIC[1]]: 1 });
      expect(await indexIsValid(db, 'events_kind_idx')).toBe(true);
      expect(await advisoryLocks(db)).toBe(0);
    });

    it('four replicas booting at once: no deadlock, each migration applied once, every replica serves', async () => {
      const ports = await freePorts(4);
      const env = { DATABASE_URL: db.url, MIGRATE_ON_BOOT: 'true', MIGRATIONS_COMPILED_DIR: cic.dir };
      const apps: AppProcess[] = await Promise.all(ports.map((port) => startApp({ ...env, PORT: String(port) })));
      try {
        const states = await Promise.all(apps.map((app) => app.ready()));
        expect(states).toEqual(['listening', 'listening', 'listening', 'listening']);
        for (const app of apps) expect((await app.health()).status).toBe(200);
        expect(apps.map((app) => app.output).join('\n')).not.toMatch(/deadlock/i);
      } finally {
        await Promise.all(apps.map((app) => app.stop()));
      }
      expect(await appliedCounts(db)).toEqual({ [CIC[0]]: 1, [CIC[1]]: 1 });
      expect(await indexIsValid(db, 'events_kind_idx')).toBe(true);
    });
  });

  it('two spellings of one database URL take the same lock', async () => {
    const db = await createTestDatabase('lock_url_spelling');
    try {
      const encoded = new URL(db.url);
      encoded.pathname = `/${db.name.replace(/_/g, '%5F')}`;
      expect(encoded.toString()).not.toBe(db.url);
      const [plain, spelled] = await Promise.all([
        cliFor(db, { MIGRATIONS_COMPILED_DIR: cic.dir })('db', 'migrate'),
        cliFor(db, { DATABASE_URL: encoded.toString(), MIGRATIONS_COMPILED_DIR: cic.dir })('db', 'migrate'),
      ]);
      expect([plain.code, spelled.code]).toEqual([0, 0]);
      expect(await appliedCounts(db)).toEqual({ [CIC[0]]: 1, [CIC[1]]: 1 });
    } finally {
      await db.drop();
    }
  });

  it('a killed run frees the lock within seconds, not when its statement would have ended', async () => {
    const db = await createTestDatabase('lock_killed');
    try {
      const victim = spawn(process.execPath, [cliEntry(), 'db', 'migrate'], {
        cwd: REPO_ROOT,
        env: cliEnv({ DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: slow.dir }),
        stdio: 'ignore',
      });
      const gone = new Promise((resolve) => victim.on('close', resolve));
      const sleeping = () => db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'SELECT pg_sleep(60)' AND state = 'active'`);
      await waitFor(async () => (await sleeping()).length === 1, 'the slow migration to start');
      victim.kill('SIGKILL');
      await gone;
      // The minute-long statement still runs on the server; the rerun may wait 30 s for the lock. It gets it
      // because the server checks the dead client's connection during the statement.
      const rerun = await cliFor(db, { MIGRATIONS_COMPILED_DIR: slow.dir, MIGRATIONS_LOCK_WAIT_MS: '30000' })('db', 'stamp', 'base');
      expect({ code: rerun.code, stderr: rerun.stderr.match(/^error: .*$/m)?.[0] }).toEqual({ code: 0, stderr: undefined });
      expect(await sleeping()).toEqual([]);
      expect(await ledgerIds(db)).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
