import { describeRule } from '../__fixtures__/rule-cases';
import { lintSql } from '../__fixtures__/lint-sql';

describeRule('invalid-accept', [
  { about: 'a marker without a reason', trigger: '/* lint:accept ban-drop-table */ DROP TABLE t', safe: '/* lint:accept ban-drop-table reason: archived in s3://x */ DROP TABLE t', message: /without a reason/ },
  { about: 'a marker naming no rule we have', trigger: '-- lint:accept no-such-rule reason: x\nDROP TABLE t', safe: '-- lint:accept ban-drop-table reason: x\nDROP TABLE t', message: /unknown rule 'no-such-rule'/ },
  { about: 'metadata without a reason', trigger: { sql: 'DROP TABLE t', accept: [{ rule: 'ban-drop-table' }] }, safe: { sql: 'DROP TABLE t', accept: [{ rule: 'ban-drop-table', reason: 'archived' }] } },
]);
describeRule('unused-accept', [
  { about: 'a marker on a statement its rule does not fire on', trigger: '/* lint:accept ban-drop-table reason: x */ CREATE TABLE t (id int)', safe: '/* lint:accept ban-drop-table reason: x */ DROP TABLE t' },
  { about: 'metadata for a rule that finds nothing', trigger: { sql: 'CREATE TABLE t (id int)', accept: [{ rule: 'ban-drop-table', reason: 'x' }] }, safe: { sql: 'DROP TABLE t', accept: [{ rule: 'ban-drop-table', reason: 'x' }] } },
]);

describe('accepting a finding', () => {
  it('by a marker in the statement: shown as accepted with its reason', async () => {
    const [finding] = (await lintSql('/* lint:accept ban-drop-table reason: emptied and archived in #482 */ DROP TABLE t')).filter((f) => f.rule.id === 'ban-drop-table');
    expect(finding).toMatchObject({ level: 'block', accepted: { reason: 'emptied and archived in #482', by: 'statement' } });
  });
  it('by the migration metadata: every finding of that rule in the migration', async () => {
    const found = await lintSql({ sql: ['DROP TABLE a', 'DROP TABLE b'], accept: [{ rule: 'ban-drop-table', reason: 'replaced by c' }] });
    expect(found.filter((f) => f.rule.id === 'ban-drop-table').map((f) => f.accepted?.by)).toEqual(['migration', 'migration']);
  });
  it('a marker is read from comments only, never from a string literal', async () => {
    const found = await lintSql("UPDATE notes SET body = '/* lint:accept ban-drop-column reason: x */'; ALTER TABLE notes DROP COLUMN legacy");
    expect(found.find((f) => f.rule.id === 'ban-drop-column')?.accepted).toBeUndefined();
  });
  it('a marker applies to its own statement only', async () => {
    const found = await lintSql(['-- lint:accept ban-drop-table reason: archived\nDROP TABLE a', 'DROP TABLE b']);
    expect(found.filter((f) => f.rule.id === 'ban-drop-table').map((f) => !!f.accepted)).toEqual([true, false]);
  });
});
