/**
 * Run-on-boot in serve mode: the example app (`node dist/main.js`, MIGRATE_ON_BOOT=true) as real processes
 * on real PostgreSQL. Each scenario gets its own database; every process is killed when its test ends.
 */
import type { PoolClient } from 'pg';
import { bootOnce, errorLines, freePorts, logLines, startApp, stopAllApps, type AppProcess } from './support/app-process';
import { composeMigrations, type MigrationFolder } from './support/boot-fixtures';
import { runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, LEDGER, ledgerIds, snapshot, tableExists } from './support/example-app';
import { writeChain, type GeneratedChain } from './support/generated-migrations';

const BASE = 'b0a700000001';
const DESTRUCTIVE = 'b0a700000002';
const LOCKING = 'b0a700000003';
const FAILING = 'b0a700000004';
const STACK_TRACE = /^\s+at /m;

/** Env of a booting app: run-on-boot on, migrations from `dir`, plus `extra`. */
function bootEnv(db: TestDatabase, dir: string, extra: Record<string, string> = {}): Record<string, string> {
  // These tests read the revisions /health reports: details on (they are off by default, see test/http-app).
  return { DATABASE_URL: db.url, MIGRATE_ON_BOOT: 'true', MIGRATIONS_COMPILED_DIR: dir, HEALTH_DETAILS: 'true', ...extra };
}

/** A database with boot-base applied (the accounts table, one row), and a folder with `more` on top. */
async function databaseAtBase(prefix: string, ...more: string[]): Promise<{ db: TestDatabase; folder: MigrationFolder }> {
  const db = await createTestDatabase(prefix);
  const folder = composeMigrations('boot-base', ...more);
  const result = await cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir })('db', 'migrate', '--to', BASE);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return { db, folder };
}

afterEach(() => stopAllApps());

describe('eight replicas booting at once on a fresh database', () => {
  let db: TestDatabase;
  let chain: GeneratedChain;
  beforeAll(async () => {
    db = await createTestDatabase('boot_replicas');
    chain = writeChain(20, { sleepMs: 20 });
  });
  afterAll(async () => {
    chain.remove();
    await db.drop();
  });

  it('apply each migration exactly once, under one process, and all eight serve at head', async () => {
    const ports = await freePorts(8);
    const apps: AppProcess[] = await Promise.all(ports.map((port) => startApp({ ...bootEnv(db, chain.dir), PORT: String(port) })));
    expect(new Set(apps.map((app) => app.port)).size).toBe(8);

    const states = await Promise.all(apps.map((app) => app.ready()));
    expect(states).toEqual(Array(8).fill('listening'));

    const rows = await db.query<{ revision: string }>(`SELECT revision FROM ${LEDGER} ORDER BY seq`);
    expect(rows.map((row) => row.revision)).toEqual(chain.ids);
    expect(new Set(rows.map((row) => row.revision)).size).toBe(20);

    const head = chain.ids[chain.ids.length - 1];
    for (const health of await Promise.all(apps.map((app) => app.health()))) {
      expect(health.status).toBe(200);
      expect(health.body.details.migrations).toEqual({ status: 'up', state: 'at-head', current: [head] });
    }

    const logs = apps.map((app) => logLines(app.output, 'LOG'));
    const appliers = logs.filter((lines) => lines.some((line) => line === `Pending: 20 migration(s): ${chain.ids.join(', ')}`));
    expect(appliers).toHaveLength(1);
    expect(appliers[0]).toContainEqual(expect.stringMatching(/^Run on boot applied 20 migration\(s\) in \d+ ms$/));
    const idle = logs.filter((lines) => lines.some((line) => /^Database is up to date \(checked in \d+ ms\)$/.test(line)));
    expect(idle).toHaveLength(7);
    // Every migration was applied once, by the one applier, in order.
    const applied = logs.flat().flatMap((line) => /^Applied (\w+) \(/.exec(line)?.[1] ?? []);
    expect(applied).toEqual(chain.ids);
    const byProcess = await db.query<{ n: number }>(`SELECT count(DISTINCT applied_by)::int AS n FROM ${LEDGER}`);
    expect(byProcess[0].n).toBe(1);
    for (const app of apps) expect(errorLines(app.output)).toEqual([]);
  });
});

describe('a pending destructive migration', () => {
  let db: TestDatabase;
  let folder: MigrationFolder;
  let reviewed: MigrationFolder | undefined;
  beforeAll(async () => ({ db, folder } = await databaseAtBase('boot_destructive', 'boot-destructive')));
  afterAll(async () => {
    folder.remove();
    reviewed?.remove();
    await db.drop();
  });

  it('is refused at boot: exit 1, one line names the revision and the check, nothing changes', async () => {
    const before = await snapshot(db);
    const result = await bootOnce(bootEnv(db, folder.dir));

    expect(result.exit).toEqual({ code: 1, signal: null });
    expect(result.output).not.toMatch(/Listening on port/);
    expect(logLines(result.output, 'WARN')).toContainEqual(
      expect.stringMatching(new RegExp(`^BLOCK ${DESTRUCTIVE} destructive: DROP COLUMN legacy_note deletes its data \\[ALTER TABLE "accounts" DROP COLUMN "legacy_note"\\]; .*allowDestructive`)),
    );
    expect(errorLines(result.output)).toEqual([
      expect.stringMatching(new RegExp(`\\[Migrations\\] Run on boot failed: Refusing to migrate on boot: 1 blocking finding\\(s\\) in ${DESTRUCTIVE} \\(destructive\\)`)),
    ]);
    expect(result.output).not.toMatch(STACK_TRACE);

    expect(await snapshot(db)).toEqual(before);
    expect(await tableExists(db, 'account_notes')).toBe(false);
    expect(await db.query('SELECT email, legacy_note FROM accounts')).toEqual([{ email: 'ada@example.com', legacy_note: 'kept' }]);
  });

  it('is applied on the next boot once marked allowDestructive: true', async () => {
    reviewed = composeMigrations('boot-base', 'boot-destructive-allowed');
    const result = await bootOnce(bootEnv(db, reviewed.dir));

    expect(result.exit).toBeUndefined();
    expect(result.health).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
    expect(result.health!.body.details.migrations).toMatchObject({ state: 'at-head', current: [DESTRUCTIVE] });
    expect(logLines(result.output, 'LOG')).toContainEqual(expect.stringMatching(new RegExp(`^Applied ${DESTRUCTIVE} \\(Drop legacy note\\) in \\d+ ms \\[1/1\\]$`)));
    expect(logLines(result.output, 'WARN')).toEqual([]);
    expect(await ledgerIds(db)).toEqual([BASE, DESTRUCTIVE]);
    expect(await db.query('SELECT * FROM accounts')).toEqual([{ id: 1, email: 'ada@example.com' }]);
  });
});

describe('a migration that waits on a table lock', () => {
  let db: TestDatabase;
  let folder: MigrationFolder;
  let holder: PoolClient | undefined;
  beforeAll(async () => ({ db, folder } = await databaseAtBase('boot_lock_timeout', 'boot-lock')));
  afterEach(async () => {
    await holder?.query('ROLLBACK').catch(() => undefined);
    holder?.release();
    holder = undefined;
  });
  afterAll(async () => {
    folder.remove();
    await db.drop();
  });

  /** Another session holds ACCESS EXCLUSIVE on accounts in an open transaction, as a long ALTER or VACUUM FULL would. */
  async function lockAccounts(): Promise<PoolClient> {
    holder = await db.pool.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE');
    return holder;
  }

  const env = (retries: number) => bootEnv(db, folder.dir, { MIGRATE_ON_BOOT_LOCK_TIMEOUT_MS: '200', MIGRATE_ON_BOOT_LOCK_RETRIES: String(retries) });
  const retryLine = (retry: number, retries: number) =>
    new RegExp(`^Migration ${LOCKING} timed out waiting for a table lock \\(lock_timeout 200 ms\\) and was rolled back: retry ${retry}/${retries} in \\d+ ms$`);

  it('retries on lock_timeout, one log line per retry, then fails per policy with nothing half-applied', async () => {
    const before = await snapshot(db);
    await lockAccounts();
    const result = await bootOnce(env(2));

    expect(result.exit).toEqual({ code: 1, signal: null });
    const warnings = logLines(result.output, 'WARN');
    expect(warnings).toEqual([expect.stringMatching(retryLine(1, 2)), expect.stringMatching(retryLine(2, 2))]);
    expect(errorLines(result.output)).toEqual([
      expect.stringMatching(new RegExp(`Run on boot failed: Migration ${LOCKING} failed during up: canceling statement due to lock timeout`)),
    ]);
    expect(result.output).not.toMatch(STACK_TRACE);
    // Three attempts, with growing pauses between them (the log lines name them).
    expect(warnings[0]).toMatch(/in 500 ms$/);
    expect(warnings[1]).toMatch(/in 1000 ms$/);

    await holder!.query('ROLLBACK');
    expect(await snapshot(db)).toEqual(before);
    expect(await tableExists(db, 'nickname_audit')).toBe(false);
    expect(await ledgerIds(db)).toEqual([BASE]);
  });

  it('succeeds on a retry when the holder lets go meanwhile', async () => {
    const locker = await lockAccounts();
    const app = await startApp(env(3));
    await app.waitFor(/retry 1\/3/);
    await locker.query('ROLLBACK');

    expect(await app.ready()).toBe('listening');
    const warnings = logLines(app.output, 'WARN');
    expect(warnings[0]).toMatch(retryLine(1, 3));
    expect(warnings.length).toBeLessThanOrEqual(3);
    expect(logLines(app.output, 'LOG')).toContainEqual(expect.stringMatching(new RegExp(`^Applied ${LOCKING} \\(Add nickname\\) in \\d+ ms \\[1/1\\]$`)));
    expect(errorLines(app.output)).toEqual([]);
    const health = await app.health();
    expect(health.status).toBe(200);
    expect(health.body.details.migrations).toMatchObject({ state: 'at-head', current: [LOCKING] });
    expect(await ledgerIds(db)).toEqual([BASE, LOCKING]);
    expect(await tableExists(db, 'nickname_audit')).toBe(true);
    expect(await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'nickname'`)).toHaveLength(1);
  });
});

describe('revisions in the database that the code does not know', () => {
  const NEWER = 'fffffff00001';
  let db: TestDatabase;
  let folder: MigrationFolder;
  beforeAll(async () => {
    ({ db, folder } = await databaseAtBase('boot_unknown'));
    // A newer release migrated this database; this (older) image does not have that migration.
    await db.query(`INSERT INTO ${LEDGER} (revision, message, checksum, kind) VALUES ($1, 'From a newer release', NULL, 'applied')`, [NEWER]);
  });
  afterAll(async () => {
    folder.remove();
    await db.drop();
  });

  it('onUnknownRevisions continue (default): serves, and /health says database-ahead', async () => {
    const before = await snapshot(db);
    const result = await bootOnce(bootEnv(db, folder.dir));

    expect(result.exit).toBeUndefined();
    expect(result.health!.status).toBe(200);
    expect(result.health!.body.details.migrations).toEqual({ status: 'up', state: 'database-ahead', current: [BASE], unknown: [NEWER] });
    expect(logLines(result.output, 'WARN')).toEqual([expect.stringContaining(`Can't locate revision identified by '${NEWER}': the database was migrated by newer code`)]);
    expect(errorLines(result.output)).toEqual([]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('onUnknownRevisions fail: exits non-zero with one error line', async () => {
    const before = await snapshot(db);
    const result = await bootOnce(bootEnv(db, folder.dir, { MIGRATE_ON_BOOT_ON_UNKNOWN: 'fail' }));

    expect(result.exit?.code).not.toBe(0);
    expect(result.exit?.signal).toBeNull();
    expect(result.output).not.toMatch(/Listening on port/);
    expect(errorLines(result.output)).toEqual([expect.stringContaining(`Run on boot failed: Refusing to migrate on boot: Can't locate revision identified by '${NEWER}'`)]);
    expect(result.output).toContain('set runOnBoot.onUnknownRevisions: continue');
    expect(result.output).not.toMatch(STACK_TRACE);
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('onFailure policies for a migration that fails', () => {
  let db: TestDatabase;
  let folder: MigrationFolder;
  beforeAll(async () => ({ db, folder } = await databaseAtBase('boot_on_failure', 'boot-failing')));
  afterAll(async () => {
    folder.remove();
    await db.drop();
  });

  it('exit (default): the process ends non-zero after one error line, no stack trace, nothing kept', async () => {
    const before = await snapshot(db);
    const result = await bootOnce(bootEnv(db, folder.dir));

    expect(result.exit).toEqual({ code: 1, signal: null });
    expect(result.output).not.toMatch(/Listening on port|ExceptionHandler/);
    expect(result.output).not.toMatch(STACK_TRACE);
    expect(errorLines(result.output)).toEqual([
      expect.stringMatching(new RegExp(`\\[Migrations\\] Run on boot failed: Migration ${FAILING} failed during up: relation "no_such_table" does not exist`)),
    ]);
    expect(await snapshot(db)).toEqual(before);
    expect(await db.query('SELECT email FROM accounts')).toEqual([{ email: 'ada@example.com' }]);
  });

  it('continue: serves, and /health is 503 with migrations down, state failed', async () => {
    const before = await snapshot(db);
    const result = await bootOnce(bootEnv(db, folder.dir, { MIGRATE_ON_BOOT_ON_FAILURE: 'continue' }));

    expect(result.exit).toBeUndefined();
    expect(result.health!.status).toBe(503);
    expect(result.health!.body.status).toBe('error');
    expect(result.health!.body.details.migrations).toEqual({ status: 'down', state: 'failed', reason: expect.stringContaining(`Migration ${FAILING} failed during up`) });
    expect(result.health!.body.details.database).toMatchObject({ status: 'up' });
    expect(logLines(result.output, 'ERROR')).toEqual([expect.stringMatching(new RegExp(`^Run on boot failed, serving with the current schema \\(health: not ready\\): Migration ${FAILING} failed during up`))]);
    // The only other error line is terminus reporting the failed probe.
    expect(errorLines(result.output).filter((line) => !line.includes('[Migrations]'))).toEqual([expect.stringContaining('Health Check has failed!')]);
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('CLI mode', () => {
  let db: TestDatabase;
  let folder: MigrationFolder;
  beforeAll(async () => {
    db = await createTestDatabase('boot_cli_mode');
    folder = composeMigrations('boot-base');
  });
  afterAll(async () => {
    folder.remove();
    await db.drop();
  });

  it('never runs the boot hook: MIGRATE_ON_BOOT=true db current leaves pending migrations pending', async () => {
    const result = await runCli(['db', 'current'], { env: bootEnv(db, folder.dir) });

    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toContain('1 pending migration: run `db migrate` to apply it.');
    expect(result.stdout).not.toMatch(/Run on boot|Pending:|Listening/);
    expect(await ledgerIds(db)).toEqual([]);
    expect(await tableExists(db, LEDGER)).toBe(false);
    expect(await tableExists(db, 'accounts')).toBe(false);
  });
});
