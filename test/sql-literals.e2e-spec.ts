import { quoteLiteral, sqlValue } from '../libs/migrations/src/adapter/sql-names';
import { createTestDatabase, type TestDatabase } from './support/database';

/** Ledger rows are written with literals, not parameters: PostgreSQL must read back exactly what was meant. */
describe('SQL literals of ledger values', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase('literals')));
  afterAll(() => db.drop());

  const nasty = [
    "it's",
    "''; DROP TABLE x; --",
    'back\\slash',
    "both \\' quote",
    'E\'\\n\' looks like an escape',
    'dollar $$ quoted $tag$',
    'ünïcødé ✓ 😀',
    'line\nbreak\ttab',
    '',
  ];

  it.each(['on', 'off'])('round-trips with standard_conforming_strings=%s', async (setting) => {
    const client = await db.pool.connect();
    try {
      await client.query(`SET standard_conforming_strings = ${setting}`);
      await client.query('SET escape_string_warning = off');
      for (const value of nasty) {
        const { rows } = await client.query(`SELECT ${quoteLiteral(value)} AS v`);
        expect(rows[0].v).toBe(value);
      }
    } finally {
      await client.query('RESET ALL');
      client.release();
    }
  });

  it('writes NULL and numbers as such', async () => {
    const rows = await db.query(`SELECT ${sqlValue(null)} AS a, ${sqlValue(42)} AS b, ${sqlValue(undefined)} AS c`);
    expect(rows[0]).toEqual({ a: null, b: 42, c: null });
    expect(() => sqlValue(Number.NaN)).toThrow();
  });
});
