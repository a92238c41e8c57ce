import { runCliConcurrently } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, LEDGER, ledgerIds, tableExists } from './support/example-app';
import { writeChain, type GeneratedChain } from './support/generated-migrations';

/** Many processes migrating one fresh database at once: the advisory lock makes each migration run once. */
describe('concurrent db migrate', () => {
  let db: TestDatabase;
  let chain: GeneratedChain;

  beforeAll(async () => {
    db = await createTestDatabase('concurrency');
    chain = writeChain(12, { sleepMs: 20 });
  });
  afterAll(async () => {
    chain.remove();
    await db.drop();
  });

  it('six processes started at once apply each migration exactly once and all exit 0', async () => {
    const env = { DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: chain.dir };
    const results = await runCliConcurrently(6, ['db', 'migrate'], { env });

    for (const result of results) {
      // A run that waits for the lock longer than a second says so on stderr; nothing else may be there.
      const stderr = result.stderr.split('\n').filter((line) => line && !/^(Waiting for the migration lock|Migration lock acquired|The lock holder)/.test(line));
      expect({ code: result.code, stderr }).toEqual({ code: 0, stderr: [] });
    }
    expect(await ledgerIds(db)).toEqual(chain.ids);
    const applied = results.map((r) => [...r.stdout.matchAll(/\] apply (\w+)/g)].map((m) => m[1])).flat();
    expect(applied.sort()).toEqual([...chain.ids].sort());
    const idle = results.filter((r) => r.stdout.includes('Nothing to apply'));
    expect(idle.length).toBeGreaterThanOrEqual(1);
    const byRunner = await db.query(`SELECT applied_by, count(*)::int AS n FROM ${LEDGER} GROUP BY applied_by`);
    expect(byRunner.reduce((sum, row) => sum + row.n, 0)).toBe(chain.ids.length);
    for (let n = 1; n <= chain.ids.length; n++) expect(await tableExists(db, `t_${n}`)).toBe(true);
  });

  it('a runner that waits longer than lockWaitMs gives up with a clear line', async () => {
    const holder = await db.pool.connect();
    try {
      const key = await lockKeyOf(db);
      await holder.query('SELECT pg_advisory_lock($1, $2)', key);
      const cli = cliFor(db, { MIGRATIONS_COMPILED_DIR: chain.dir, MIGRATIONS_LOCK_WAIT_MS: '300' });
      const result = await cli('db', 'rollback');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: Timed out after 300 ms waiting for the migration lock/m);
      expect(await ledgerIds(db)).toEqual(chain.ids);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });
});

/** The lock key as the module derives it (database, schema, ledger), read back from a holder. */
async function lockKeyOf(db: TestDatabase): Promise<[number, number]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { lockKeys } = require('../libs/migrations/src/adapter/runtime/advisory-lock') as typeof import('../libs/migrations/src/adapter/runtime/advisory-lock');
  return lockKeys(db.name, 'public', LEDGER);
}
