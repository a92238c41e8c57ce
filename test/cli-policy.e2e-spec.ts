import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { BOOT_FIXTURES, composeMigrations, type MigrationFolder } from './support/boot-fixtures';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, exampleRevisions, expectCleanFailure, LEDGER, ledgerIds, snapshot, tableExists } from './support/example-app';

const BASE = 'b0a700000001';
const DESTRUCTIVE = 'b0a700000002';
const LOCKING = 'b0a700000003';

/** `db migrate` applies the same policy as the boot hook, with the CLI's own settings (docs/options.md). */
describe('db migrate policy', () => {
  let db: TestDatabase;
  let folder: MigrationFolder;
  beforeEach(async () => (db = await createTestDatabase('cli_policy')));
  afterEach(async () => {
    folder?.remove();
    await db.drop();
  });

  it('refuses a pending destructive migration with exit 2, naming the finding and the flag that allows it; --allow-destructive applies it', async () => {
    folder = composeMigrations('boot-base', 'boot-destructive');
    const cli = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir });
    expect((await cli('db', 'migrate', '--to', BASE)).code).toBe(0);
    await db.query(`INSERT INTO accounts (email, legacy_note) VALUES ('a@example.com', 'keep me')`);
    const before = await snapshot(db);
    const refused = await cli('db', 'migrate');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^BLOCK ${DESTRUCTIVE} destructive: DROP COLUMN legacy_note deletes its data`, 'm'));
    expect(refused.stderr).toMatch(new RegExp(`^error: Refusing to migrate: 1 blocking finding\\(s\\) in ${DESTRUCTIVE} \\(destructive\\)$`, 'm'));
    expect(refused.stderr).toMatch(/^hint: .*pass --allow-destructive/m);
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    expect(await snapshot(db)).toEqual(before);

    const allowed = await cli('db', 'migrate', '--allow-destructive');
    expect(allowed.code).toBe(0);
    expect(await ledgerIds(db)).toEqual([BASE, DESTRUCTIVE]);
  });

  it('an applied migration edited since: a warning by default, refused with integrity block until --accept-edited', async () => {
    folder = composeMigrations('boot-base');
    const cli = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir });
    expect((await cli('db', 'migrate')).code).toBe(0);
    copyFileSync(join(BOOT_FIXTURES, 'boot-base-edited', `20261201_0900_${BASE}_create_accounts.js`), join(folder.dir, `20261201_0900_${BASE}_create_accounts.js`));

    const warned = await cli('db', 'migrate');
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(new RegExp(`^warning: Applied migration\\(s\\) edited since they were applied: ${BASE}$`, 'm'));

    const strict = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir, MIGRATIONS_INTEGRITY: 'block' });
    expectCleanFailure(await strict('db', 'migrate'), 2, new RegExp(`Refusing to migrate: Applied migration\\(s\\) edited since they were applied: ${BASE}`));
    const accepted = await strict('db', 'migrate', '--accept-edited');
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toMatch(/^warning: Applied migration\(s\) edited/m);
  });

  it('sets lock_timeout on the migrations: behind a long reader it retries, then fails with exit 1 and nothing half-done', async () => {
    folder = composeMigrations('boot-base', 'boot-lock');
    const cli = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir, MIGRATIONS_LOCK_TIMEOUT_MS: '300', MIGRATIONS_LOCK_RETRIES: '1' });
    expect((await cli('db', 'migrate', '--to', BASE)).code).toBe(0);
    const reader = new Client({ connectionString: db.url });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM accounts');
      const blocked = await cli('db', 'migrate');
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toMatch(new RegExp(`^warning: ${LOCKING} waited longer than lock_timeout for a table lock and was rolled back: retry 1/1`, 'm'));
      expect(blocked.stderr).toMatch(/^hint: A table it needs was locked by other sessions longer than lock_timeout/m);
      expect(await tableExists(db, 'nickname_audit')).toBe(false);
      expect(await ledgerIds(db)).toEqual([BASE]);
    } finally {
      await reader.query('ROLLBACK').catch(() => undefined);
      await reader.end();
    }
    expect((await cli('db', 'migrate')).code).toBe(0);
    expect(await ledgerIds(db)).toEqual([BASE, LOCKING]);
  });
});

describe('db migrate --dry-run, db rollback --to, db stamp on a new project', () => {
  let db: TestDatabase;
  beforeEach(async () => (db = await createTestDatabase('cli_modes')));
  afterEach(async () => db.drop());

  it('--dry-run runs every pending migration and rolls all of it back', async () => {
    const cli = cliFor(db);
    const before = await snapshot(db);
    const dry = await cli('db', 'migrate', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Dry run on postgres:\/\//m);
    expect(dry.stdout).toMatch(/Dry run: 3 migrations ran and were rolled back in \d+ ms; the database is unchanged, at base\./);
    expect(await snapshot(db)).toEqual(before);
    expect(await tableExists(db, LEDGER)).toBe(false);
  });

  it('--dry-run refuses a migration that runs outside a transaction, before running anything', async () => {
    const folder = composeMigrations('lock-cic');
    try {
      const result = await cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir })('db', 'migrate', '--dry-run');
      expectCleanFailure(result, 2, /Migration c1c000000002 runs outside a transaction \(transaction = false\): it cannot run in a dry run/);
      expect(await tableExists(db, 'events')).toBe(false);
    } finally {
      folder.remove();
    }
  });

  it('rollback --to REV reverts what came after it, --to base reverts everything; -s with --to is a usage error', async () => {
    const ids = exampleRevisions().map((revision) => revision.id);
    const cli = cliFor(db);
    expect((await cli('db', 'migrate')).code).toBe(0);
    expectCleanFailure(await cli('db', 'rollback', '-s', '1', '--to', 'base'), 2, /Give either -s\/--steps or --to, not both/);
    const partial = await cli('db', 'rollback', '--to', ids[0].slice(0, 6));
    expect(partial.code).toBe(0);
    expect([...partial.stdout.matchAll(/revert (\w+)/g)].map((m) => m[1])).toEqual([ids[2], ids[1]]);
    expect(await ledgerIds(db)).toEqual([ids[0]]);
    expect((await cli('db', 'rollback', '--to', 'base')).code).toBe(0);
    expect(await ledgerIds(db)).toEqual([]);
    const events = await db.query<{ event: string }>(`SELECT event FROM ${LEDGER}_log ORDER BY seq`);
    expect(events.map((row) => row.event)).toEqual(['applied', 'applied', 'applied', 'reverted', 'reverted', 'reverted']);
  });

  it('stamp head on a project with no migrations yet creates the ledger and says so', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-migrations-'));
    try {
      const result = await cliFor(db, { MIGRATIONS_DIR: empty, MIGRATIONS_COMPILED_DIR: empty })('db', 'stamp', 'head');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Stamped base: there are no migrations yet (${empty}/ has no migration files); the ledger is ready. No migration was run.`);
      expect(await tableExists(db, LEDGER)).toBe(true);
      expect(await ledgerIds(db)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
