import { join } from 'node:path';
import { runCli } from './support/cli';
import { createTestDatabase, withDatabase, type TestDatabase } from './support/database';
import { cliFor, exampleRevisions, expectCleanFailure, LEDGER, ledgerIds, snapshot, tableExists } from './support/example-app';

const fixtures = (name: string) => join(__dirname, 'fixtures', name);

/** Every bad input gets one clear line, a non-zero exit, no stack trace, no password, and changes nothing. */
describe('bad input', () => {
  let db: TestDatabase;
  let cli: ReturnType<typeof cliFor>;
  const ids = exampleRevisions().map((r) => r.id);

  beforeAll(async () => {
    db = await createTestDatabase('bad_input');
    cli = cliFor(db);
    expect((await cli('db', 'migrate', '--to', ids[1])).code).toBe(0);
  });
  afterAll(() => db.drop());

  async function expectUnchanged(run: () => Promise<void>): Promise<void> {
    const before = await snapshot(db);
    await run();
    expect(await snapshot(db)).toEqual(before);
  }

  it.each([
    [['-s', '0'], /Steps must be a positive whole number, got '0'/],
    [['-s', '-1'], /Steps must be a positive whole number, got '-1'/],
    [['-s', 'abc'], /Steps must be a positive whole number, got 'abc'/],
    [['-s', '1.5'], /Steps must be a positive whole number, got '1.5'/],
    [['-s'], /argument missing/],
  ])('rollback %j is refused as bad usage', async (args, message) => {
    await expectUnchanged(async () => expectCleanFailure(await cli('db', 'rollback', ...args), 2, message));
  });

  it('refuses to roll back more than is applied, and reverts nothing', async () => {
    await expectUnchanged(async () => {
      const result = await cli('db', 'rollback', '-s', '5');
      expectCleanFailure(result, 2, /Cannot roll back 5 revisions: only 2 are applied/);
      expect(result.stderr).toContain('db rollback -s 2');
    });
  });

  it.each([
    [['stamp', 'deadbeef0000']],
    [['stamp', 'zzzz']],
    [['migrate', '--to', 'ffffffffffff']],
  ])('names an unknown revision like the guide: db %j', async (args) => {
    await expectUnchanged(async () =>
      expectCleanFailure(await cli('db', ...args), 2, new RegExp(`Can't locate revision identified by '${args[args.length - 1]}'`)),
    );
  });

  it('refuses a prefix shorter than four characters', async () => {
    await expectUnchanged(async () => expectCleanFailure(await cli('db', 'stamp', ids[0].slice(0, 2)), 2, /Invalid target/));
  });

  it('refuses an ambiguous prefix and lists the candidates', async () => {
    const scratch = await createTestDatabase('bad_input_ambiguous');
    try {
      const run = cliFor(scratch, { MIGRATIONS_COMPILED_DIR: fixtures('ambiguous') });
      const result = await run('db', 'migrate', '--to', 'abcd');
      expectCleanFailure(result, 2, /Revision prefix 'abcd' is ambiguous: it matches abcd11111111, abcd22222222/);
      expect(await tableExists(scratch, LEDGER)).toBe(false);
      expect((await run('db', 'migrate', '--to', 'abcd1')).code).toBe(0);
      expect(await ledgerIds(scratch)).toEqual(['abcd11111111']);
    } finally {
      await scratch.drop();
    }
  });

  it('rejects an unknown command and an unknown option', async () => {
    await expectUnchanged(async () => {
      expectCleanFailure(await cli('db', 'upgrade'), 2, /Unknown command 'db upgrade'/);
      expectCleanFailure(await cli('db', 'migrate', '--bogus'), 2, /unknown option '--bogus'/);
    });
  });

  it('a database ahead of the code: db migrate refuses with onUnknownRevisions fail until stamped, and warns with exit 0 by default', async () => {
    const scratch = await createTestDatabase('bad_input_unknown');
    try {
      const run = cliFor(scratch);
      const strict = cliFor(scratch, { MIGRATIONS_ON_UNKNOWN_REVISIONS: 'fail' });
      expect((await run('db', 'migrate', '--to', ids[0])).code).toBe(0);
      await scratch.query(`INSERT INTO ${LEDGER} (revision, message) VALUES ('f00dfeedbeef', 'from a newer build')`);
      const before = await snapshot(scratch);
      const result = await strict('db', 'migrate');
      expectCleanFailure(result, 2, /Can't locate revision identified by 'f00dfeedbeef'/);
      expect(await snapshot(scratch)).toEqual(before);

      const current = await run('db', 'current');
      expect(current.code).toBe(0);
      expect(current.stdout).toMatch(/f00dfeedbeef\s+\(unknown/);

      expect((await run('db', 'stamp', ids[0])).code).toBe(0);
      expect(await ledgerIds(scratch)).toEqual([ids[0]]);
      expect((await strict('db', 'migrate')).code).toBe(0);

      // An older image's init container after a newer one migrated: it says so and lets the app start.
      await scratch.query(`INSERT INTO ${LEDGER} (revision, message) VALUES ('f00dfeedbeef', 'from a newer build')`);
      const older = await run('db', 'migrate');
      expect(older.code).toBe(0);
      expect(older.stderr).toMatch(/^warning: Can't locate revision identified by 'f00dfeedbeef': the database was migrated by newer code/m);
      expect(older.stdout).toContain('Nothing to apply');
    } finally {
      await scratch.drop();
    }
  });

  describe('connection problems', () => {
    const password = 'Sup3r-s3cret';

    it('reports an unreachable server in one line, without the password', async () => {
      const result = await runCli(['db', 'current'], { env: { DATABASE_URL: `postgres://postgres:${password}@127.0.0.1:1/app` } });
      expectCleanFailure(result, 1, /Cannot connect to PostgreSQL at 127\.0\.0\.1:1: connection refused/, password);
    });

    it('reports a malformed DATABASE_URL without echoing it', async () => {
      for (const url of [`postgres://postgres:${password}@127.0.0.1:notaport/app`, `mysql://root:${password}@127.0.0.1/app`, 'just words']) {
        const result = await runCli(['db', 'migrate'], { env: { DATABASE_URL: url } });
        expectCleanFailure(result, 2, /DATABASE_URL is not a valid PostgreSQL URL/, password);
      }
    });

    it('reports a missing database with how to create it', async () => {
      const url = withDatabase(db.url, 'no_such_database_here').replace('postgres@', `postgres:${password}@`);
      const result = await runCli(['db', 'migrate'], { env: { DATABASE_URL: url } });
      expectCleanFailure(result, 1, /Database "no_such_database_here" does not exist/, password);
      expect(result.stderr).toContain('createdb no_such_database_here');
    });
  });

  describe('a migration whose up throws', () => {
    let scratch: TestDatabase;
    let run: ReturnType<typeof cliFor>;

    beforeAll(async () => {
      scratch = await createTestDatabase('bad_input_throwing');
      run = cliFor(scratch, { MIGRATIONS_COMPILED_DIR: fixtures('throwing') });
      expect((await run('db', 'migrate', '--to', 'aaaa00000001')).code).toBe(0);
    });
    afterAll(() => scratch.drop());

    it('rolls the failing migration back whole, keeps the ledger, and names the migration', async () => {
      const before = await snapshot(scratch);
      const result = await run('db', 'migrate');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: Migration bbbb00000002 failed during up: relation "no_such_table" does not exist$/m);
      expect(result.stderr).toMatch(/^hint: Nothing of this migration was kept/m);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(await snapshot(scratch)).toEqual(before);
      expect(await scratch.query(`SELECT name FROM alpha`)).toEqual([{ name: 'kept' }]);
      expect(await tableExists(scratch, 'beta')).toBe(false);
      expect(await tableExists(scratch, 'gamma')).toBe(false);
    });

    it('leaves no ledger table behind when the very first migration fails', async () => {
      const fresh = await createTestDatabase('bad_input_first');
      try {
        const before = await snapshot(fresh);
        const result = await cliFor(fresh, { MIGRATIONS_COMPILED_DIR: fixtures('throwing-first') })('db', 'migrate');
        expectCleanFailure(result, 1, /Migration dddd00000001 failed during up/);
        expect(await snapshot(fresh)).toEqual(before);
        expect(await tableExists(fresh, LEDGER)).toBe(false);
      } finally {
        await fresh.drop();
      }
    });

    it('with --single-transaction, applies all or nothing: a failure undoes the migrations before it too', async () => {
      const fresh = await createTestDatabase('bad_input_single');
      try {
        const runFresh = cliFor(fresh, { MIGRATIONS_COMPILED_DIR: fixtures('throwing') });
        const before = await snapshot(fresh);
        const failed = await runFresh('db', 'migrate', '--single-transaction');
        expectCleanFailure(failed, 1, /Migration bbbb00000002 failed during up/);
        expect(await snapshot(fresh)).toEqual(before);
        expect(await tableExists(fresh, 'alpha')).toBe(false);

        const ok = await runFresh('db', 'migrate', '--single-transaction', '--to', 'aaaa00000001');
        expect(ok.code).toBe(0);
        expect(await ledgerIds(fresh)).toEqual(['aaaa00000001']);
      } finally {
        await fresh.drop();
      }
    });

    it('shows the stack trace only with --verbose', async () => {
      const result = await run('db', 'migrate', '--verbose');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^\s+at /m);
    });
  });
});
