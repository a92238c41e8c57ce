import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, expectCleanFailure, ledgerIds, tableExists } from './support/example-app';

const failing = join(__dirname, 'fixtures', 'failing-server');

/**
 * A migration that fails because of the server, not its own SQL, says so and what was kept: the real server
 * fails it (its backend terminated, a real statement_timeout, or an error raised with the SQLSTATE the server
 * uses for that condition).
 */
describe('failure messages', () => {
  let db: TestDatabase;
  beforeEach(async () => (db = await createTestDatabase('failure_messages')));
  afterEach(() => db.drop());

  const migrate = (failWith: string, ...args: string[]) => cliFor(db, { MIGRATIONS_COMPILED_DIR: failing, FAIL_WITH: failWith, MIGRATIONS_LOCK_RETRIES: '0' })('db', 'migrate', ...args);

  it.each([
    ['terminate', 'connection_lost', /^hint: The connection to PostgreSQL was lost \(the server restarted or shut down, or the network failed\)\. .* Run the command again once the server is back\.$/m],
    ['57P01', 'connection_lost', /^hint: The connection to PostgreSQL was lost/m],
    ['statement_timeout', 'statement_timeout', /^hint: It ran longer than statement_timeout/m],
    ['55P03', 'lock_timeout', /^hint: A table it needs was locked by other sessions longer than lock_timeout/m],
    ['40P01', 'migration_failed', /^hint: PostgreSQL broke a deadlock with another session\. .* Run the command again/m],
    ['53200', 'migration_failed', /^hint: The server ran out of memory or of lock-table space \(max_locks_per_transaction\)/m],
    ['53100', 'migration_failed', /^hint: The server's disk is full\./m],
  ])('%s: names the cause instead of "fix the migration", and keeps the migrations before it', async (failWith, code, hint) => {
    const result = await migrate(failWith);
    expectCleanFailure(result, 1, /^error: Migration f2f200000002 failed during up: /m);
    expect(result.stderr).toMatch(hint);
    expect(result.stderr).not.toContain('Fix the migration');
    expect(result.stderr).toContain('migrations before it in this run stay applied');
    expect(await ledgerIds(db)).toEqual(['f1f100000001']);
    expect(await tableExists(db, 'second')).toBe(false);
    const json = await migrate(failWith, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code, exitCode: 1 } });
  });

  it('--single-transaction: says the whole run was rolled back, and nothing of it stays', async () => {
    const result = await migrate('53200', '--single-transaction');
    expectCleanFailure(result, 1, /^error: Migration f2f200000002 failed during up: server says 53200$/m);
    expect(result.stderr).toMatch(/^hint: The server ran out of memory .*The run was one transaction and was rolled back: no migration of it is applied\./m);
    expect(result.stderr).not.toMatch(/stay applied/);
    expect(await ledgerIds(db)).toEqual([]);
    expect(await tableExists(db, 'first')).toBe(false);
  });

  it('a migration that fails on its own SQL still says to fix it', async () => {
    const result = await migrate('42P01');
    expect(result.stderr).toMatch(/^hint: Nothing of this migration was kept \(rolled back\); migrations before it in this run stay applied\. Fix the migration and run the command again\.$/m);
  });
});
