import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, expectCleanFailure } from './support/example-app';

/**
 * Fail closed: a container without DATABASE_URL refuses, in one line, instead of migrating a local file and
 * reporting success; and what a mutating command changes is named on its first line.
 */
describe('fail closed', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'fail-closed-'));
  const dataDir = join(scratch, 'pglite');
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const production = { NODE_ENV: 'production', DATABASE_URL: undefined, PGLITE_DATA_DIR: dataDir };

  it.each([
    [['db', 'migrate']],
    [['db', 'rollback']],
    [['db', 'stamp', 'head']],
    [['db', 'current']],
    [['db', 'history']],
    [['db', 'seed']],
    [['db', 'reset', '-f']],
    [['db', 'migrate', '--json']],
  ])('NODE_ENV=production without DATABASE_URL: %j refuses with one line and creates nothing', async (args) => {
    const result = await runCli(args, { env: production });
    if (args.includes('--json')) {
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stdout)).toEqual({ error: expect.objectContaining({ code: 'no_database', exitCode: 2 }) });
    } else {
      expectCleanFailure(result, 2, /^error: No database configured: DATABASE_URL is not set and NODE_ENV=production$/m);
      expect(result.stderr).toMatch(/^hint: Set DATABASE_URL=/m);
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('the boot hook refuses too: the app does not start', async () => {
    const result = await runCli([], { env: { ...production, MIGRATE_ON_BOOT: 'true', PORT: '0' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: No database configured: DATABASE_URL is not set and NODE_ENV=production$/m);
    expect(result.stdout + result.stderr).not.toMatch(/^\s+at |ExceptionHandler|Listening/m);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('asking for the embedded database in production is refused as well', async () => {
    const result = await runCli(['db', 'migrate'], { env: { ...production, DATABASE_EMBEDDED: 'true' } });
    expectCleanFailure(result, 2, /DATABASE_URL is not set and NODE_ENV=production \(the embedded database is for development only\)/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('outside development and test, the embedded database is used only when asked for', async () => {
    const result = await runCli(['db', 'current'], { env: { ...production, NODE_ENV: 'staging' } });
    expectCleanFailure(result, 2, /^error: No database configured: DATABASE_URL is not set$/m);
    expect(result.stderr).toContain('DATABASE_EMBEDDED=true');
    expect(existsSync(dataDir)).toBe(false);
  });

  describe('mutating commands name the database and schema they change, first', () => {
    let db: TestDatabase;
    let cli: ReturnType<typeof cliFor>;
    beforeAll(async () => {
      db = await createTestDatabase('fail_closed_target');
      cli = cliFor(db);
    });
    afterAll(() => db.drop());

    it.each([
      [['migrate'], 'Migrating'],
      [['migrate', '--dry-run'], 'Dry run on'],
      [['rollback'], 'Rolling back'],
      [['stamp', 'head'], 'Stamping'],
      [['seed'], 'Seeding'],
      [['reset', '-f'], 'Resetting'],
      [['protect', '--remove'], 'Unprotecting'],
    ])('db %j', async (args, verb) => {
      const result = await cli('db', ...args);
      expect(result.code).toBe(0);
      const { host } = new URL(db.url);
      const schema = verb === 'Unprotecting' ? '' : ' (schema public)';
      expect(result.stdout.split('\n')[0]).toBe(`${verb} postgres://postgres@${host}/${db.name}${schema}`);
    });
  });
});
