import { describeRule } from '../__fixtures__/rule-cases';
import { findings, lintSql } from '../__fixtures__/lint-sql';

describeRule('cannot-judge', [
  {
    about: 'EXECUTE in a DO block',
    trigger: "DO $$ BEGIN EXECUTE format('DROP TABLE %I', 'orders'); END $$",
    safe: "DO $$ BEGIN UPDATE settings SET value = 'x' WHERE key = 'y'; END $$",
    message: "cannot judge dynamic SQL in a DO block: EXECUTE format('DROP TABLE %I', 'orders')",
  },
  {
    about: 'EXECUTE in a PL/pgSQL function body',
    trigger: "CREATE FUNCTION purge(t text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'TRUNCATE ' || quote_ident(t); END $$",
    safe: 'CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS $$ SELECT a + b $$',
    message: /purge\(\) runs when called/,
  },
  { about: 'a DO block in another language', trigger: 'DO LANGUAGE plpython3u $$ plpy.execute("DROP TABLE x") $$', safe: 'DO $$ BEGIN PERFORM 1; END $$' },
  { about: 'a statement the parser refuses', trigger: 'ALTER TABEL users ADD x int', safe: 'ALTER TABLE users ADD x int', message: /parser refuses/ },
  { about: 'CALL', trigger: 'CALL archive_orders()', safe: 'SELECT archive_orders()' },
]);

describe('a DO block', () => {
  it('has its static statements judged like the migration\'s own', async () => {
    const found = await findings('ban-drop-column', 'DO $$ BEGIN ALTER TABLE users DROP COLUMN legacy; END $$');
    expect(found.map((f) => f.message)).toEqual(['DROP COLUMN legacy deletes its data']);
  });
  it('a marker on the DO statement accepts what its statements find', async () => {
    const found = await lintSql("/* lint:accept ban-drop-column reason: column unused since v12 */ DO $$ BEGIN ALTER TABLE users DROP COLUMN legacy; END $$");
    expect(found.find((f) => f.rule.id === 'ban-drop-column')?.accepted).toEqual({ reason: 'column unused since v12', by: 'statement' });
  });
});
