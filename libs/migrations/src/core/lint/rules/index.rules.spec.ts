import { describeRule } from '../__fixtures__/rule-cases';
import { findings } from '../__fixtures__/lint-sql';

describeRule('require-concurrent-index-creation', [
  { about: 'plain CREATE INDEX', trigger: 'CREATE INDEX idx ON users (email)', safe: { sql: 'CREATE INDEX CONCURRENTLY idx ON users (email)', transactional: false } },
  { about: 'a table created in the same migration', trigger: 'CREATE INDEX idx ON users (email)', safe: ['CREATE TABLE users (email text)', 'CREATE INDEX idx ON users (email)'] },
  { about: 'a table created by an earlier migration of the run', trigger: [{ sql: 'SELECT 1' }, { sql: 'CREATE INDEX idx ON users (email)' }], safe: [{ sql: 'CREATE TABLE users (email text)' }, { sql: 'CREATE INDEX idx ON users (email)' }] },
]);

describe('require-concurrent-index-creation and table size', () => {
  const sql = 'CREATE INDEX idx ON orders (status)';
  it('is quiet on an empty table, warns on a medium one, blocks on a large one, and says how big', async () => {
    const on = (rows: number | undefined, bytes: number) => findings('require-concurrent-index-creation', sql, { tables: { orders: { rows, bytes } } });
    expect(await on(0, 8192)).toEqual([]);
    expect(await on(undefined, 8192)).toEqual([]); // never analyzed, but 8 kB on disk: small
    expect((await on(200_000, 30_000_000))[0]).toMatchObject({ level: 'warn', rows: 200_000, bytes: 30_000_000, table: 'public.orders' });
    expect((await on(2_000_000, 300_000_000))[0]).toMatchObject({ level: 'block', rows: 2_000_000 });
    expect((await on(10, 2 * 1024 ** 3))[0].level).toBe('block'); // few rows, but 2 GiB
  });
  it('keeps the configured level when sizes are off (generation time) or unknown', async () => {
    expect((await findings('require-concurrent-index-creation', sql, { tables: { orders: { rows: 0, bytes: 8192 } }, sizes: false }))[0].level).toBe('warn');
    expect((await findings('require-concurrent-index-creation', sql))[0]).toMatchObject({ level: 'warn', table: 'orders' });
  });
});

describeRule('require-concurrent-index-deletion', [
  { about: 'DROP INDEX', trigger: 'DROP INDEX idx_users_email', safe: { sql: 'DROP INDEX CONCURRENTLY idx_users_email', transactional: false } },
  { about: 'an index created in the run', trigger: 'DROP INDEX idx', safe: ['CREATE INDEX idx ON t (a)', 'DROP INDEX idx'] },
]);
describeRule('require-concurrent-reindex', [
  { about: 'REINDEX TABLE', trigger: 'REINDEX TABLE users', safe: { sql: 'REINDEX TABLE CONCURRENTLY users', transactional: false } },
  { about: 'REINDEX INDEX', trigger: 'REINDEX INDEX idx', safe: { sql: 'REINDEX INDEX CONCURRENTLY idx', transactional: false } },
]);
describeRule('index-too-many-columns', [
  { about: 'four columns', trigger: 'CREATE INDEX i ON t (a, b, c, d)', safe: 'CREATE UNIQUE INDEX i ON t (a, b, c, d)' },
]);
describeRule('concurrent-index-corruption', [
  {
    about: 'PostgreSQL 14.2',
    trigger: { sql: 'CREATE INDEX CONCURRENTLY i ON t (a)', transactional: false },
    safe: { sql: 'CREATE INDEX CONCURRENTLY i ON t (a)', transactional: false },
    env: { serverVersion: 140002 },
    safeEnv: { serverVersion: 140004 },
  },
]);
