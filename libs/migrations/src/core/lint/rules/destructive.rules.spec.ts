import { lintSql } from '../__fixtures__/lint-sql';
import { describeRule } from '../__fixtures__/rule-cases';

describeRule('ban-drop-table', [
  { about: 'DROP TABLE', trigger: 'DROP TABLE orders', safe: 'DROP VIEW orders_view', message: 'DROP TABLE deletes its data' },
  { about: 'DROP MATERIALIZED VIEW', trigger: 'DROP MATERIALIZED VIEW totals', safe: 'REFRESH MATERIALIZED VIEW CONCURRENTLY totals' },
]);
describeRule('ban-drop-schema', [{ about: 'DROP SCHEMA', trigger: 'DROP SCHEMA archive CASCADE', safe: 'CREATE SCHEMA archive' }]);
describeRule('ban-drop-database', [{ about: 'DROP DATABASE', trigger: 'DROP DATABASE shop', safe: 'CREATE SCHEMA shop' }]);
describeRule('ban-drop-column', [
  { about: 'DROP COLUMN', trigger: 'ALTER TABLE users DROP COLUMN legacy', safe: 'ALTER TABLE users ADD COLUMN legacy text', message: 'DROP COLUMN legacy deletes its data' },
]);
describeRule('ban-truncate', [{ about: 'TRUNCATE', trigger: 'TRUNCATE sessions', safe: 'DELETE FROM sessions WHERE expires_at < now()' }]);
describeRule('ban-truncate-cascade', [{ about: 'TRUNCATE CASCADE', trigger: 'TRUNCATE users CASCADE', safe: 'TRUNCATE users RESTRICT' }]);
describeRule('renaming-column', [
  { about: 'RENAME COLUMN', trigger: 'ALTER TABLE users RENAME COLUMN name TO full_name', safe: 'ALTER TABLE users RENAME CONSTRAINT users_pk TO users_pkey' },
]);
describeRule('renaming-table', [{ about: 'RENAME TO', trigger: 'ALTER TABLE users RENAME TO customers', safe: 'CREATE VIEW customers AS SELECT * FROM users' }]);
describeRule('renaming-schema', [{ about: 'ALTER SCHEMA RENAME', trigger: 'ALTER SCHEMA shop RENAME TO store', safe: 'ALTER SCHEMA shop OWNER TO app' }]);
describeRule('renaming-enum-value', [
  { about: 'RENAME VALUE', trigger: "ALTER TYPE status RENAME VALUE 'done' TO 'completed'", safe: "ALTER TYPE status ADD VALUE 'completed' AFTER 'done'" },
]);
describeRule('ban-drop-not-null', [
  { about: 'DROP NOT NULL', trigger: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL', safe: "ALTER TABLE users ALTER COLUMN email SET DEFAULT ''" },
]);
describeRule('adding-required-field', [
  {
    about: 'NOT NULL without DEFAULT on an existing table',
    trigger: 'ALTER TABLE users ADD COLUMN active boolean NOT NULL',
    safe: 'ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true',
    message: /fails if it has rows/,
  },
  {
    about: 'a table created earlier in the run is new',
    trigger: [{ sql: 'CREATE TABLE teams (id bigint)' }, { sql: 'ALTER TABLE users ADD COLUMN team_id bigint NOT NULL' }],
    safe: [{ sql: 'CREATE TABLE teams (id bigint)' }, { sql: 'ALTER TABLE teams ADD COLUMN name text NOT NULL' }],
  },
]);

describe('allowDestructive', () => {
  it('turns the destructive rules off for that migration only', async () => {
    const found = await lintSql([
      { sql: 'ALTER TABLE users DROP COLUMN legacy', allowDestructive: true },
      { sql: 'ALTER TABLE teams DROP COLUMN legacy' },
    ]);
    expect(found.filter((f) => f.rule.id === 'ban-drop-column').map((f) => f.message)).toEqual(['DROP COLUMN legacy deletes its data']);
    expect(found.find((f) => f.rule.id === 'ban-drop-column')?.revision).toBe('r00000000002');
  });
});
