import { describeRule } from '../__fixtures__/rule-cases';
import { findings } from '../__fixtures__/lint-sql';

const noRuntimeTimeouts = { lockTimeoutMs: 0, statementTimeoutMs: 0 };

describeRule('require-lock-timeout', [
  {
    about: 'an ALTER of an existing table with no lock_timeout',
    trigger: 'ALTER TABLE users ADD COLUMN x int',
    safe: ["SET LOCAL lock_timeout = '5s'", 'ALTER TABLE users ADD COLUMN x int'],
    env: noRuntimeTimeouts,
    message: 'locks users with no lock_timeout',
  },
  { about: 'set_config', trigger: 'DROP INDEX idx', safe: ["SELECT set_config('lock_timeout', '2s', true)", 'DROP INDEX idx'], env: noRuntimeTimeouts },
  { about: 'a timeout of 0 is none', trigger: ['SET lock_timeout = 0', 'ALTER TABLE users ADD COLUMN x int'], safe: ['SET lock_timeout = 1000', 'ALTER TABLE users ADD COLUMN x int'], env: noRuntimeTimeouts },
  { about: 'only new tables touched', trigger: 'ALTER TABLE users ADD COLUMN x int', safe: ['CREATE TABLE t (id int)', 'ALTER TABLE t ADD COLUMN x int'], env: noRuntimeTimeouts },
  { about: 'the runtime sets lock_timeout', trigger: 'ALTER TABLE users ADD COLUMN x int', safe: 'ALTER TABLE users ADD COLUMN x int', env: noRuntimeTimeouts, safeEnv: { lockTimeoutMs: 5000 } },
  {
    about: 'SET LOCAL outside a transaction has no effect',
    trigger: { sql: ["SET LOCAL lock_timeout = '5s'", 'ALTER TABLE users ADD COLUMN x int'], transactional: false },
    safe: { sql: ["SET lock_timeout = '5s'", 'ALTER TABLE users ADD COLUMN x int'], transactional: false },
    env: noRuntimeTimeouts,
  },
]);

describe('require-lock-timeout', () => {
  it('reports once per migration, on the first statement that locks an existing table', async () => {
    const found = await findings('require-lock-timeout', ['CREATE TABLE t (id int)', 'ALTER TABLE a ADD COLUMN x int', 'ALTER TABLE b ADD COLUMN x int'], noRuntimeTimeouts);
    expect(found.map((f) => f.statement)).toEqual(['ALTER TABLE a ADD COLUMN x int']);
  });
  it('is quiet for CREATE INDEX CONCURRENTLY, whose lock does not stop reads or writes', async () => {
    expect(await findings('require-lock-timeout', { sql: 'CREATE INDEX CONCURRENTLY i ON a (x)', transactional: false }, noRuntimeTimeouts)).toEqual([]);
  });
});

describeRule('require-statement-timeout', [
  { about: 'no statement_timeout', trigger: 'ALTER TABLE users ADD COLUMN x int', safe: ["SET statement_timeout = '15min'", 'ALTER TABLE users ADD COLUMN x int'], env: noRuntimeTimeouts },
]);
