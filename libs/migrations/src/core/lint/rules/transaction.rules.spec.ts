import { describeRule } from '../__fixtures__/rule-cases';

describeRule('outside-transaction-only', [
  {
    about: 'CREATE INDEX CONCURRENTLY in a transactional migration',
    trigger: 'CREATE INDEX CONCURRENTLY idx ON users (email)',
    safe: { sql: 'CREATE INDEX CONCURRENTLY idx ON users (email)', transactional: false },
    message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this migration runs in a transaction',
  },
  {
    about: 'after an explicit BEGIN in a transaction = false migration',
    trigger: { sql: ['BEGIN', 'CREATE INDEX CONCURRENTLY idx ON users (email)', 'COMMIT'], transactional: false },
    safe: { sql: ['BEGIN', 'ALTER TABLE users ADD COLUMN x int', 'COMMIT', 'CREATE INDEX CONCURRENTLY idx ON users (email)'], transactional: false },
  },
  { about: 'VACUUM', trigger: 'VACUUM users', safe: 'ANALYZE users' },
  { about: 'REINDEX CONCURRENTLY', trigger: 'REINDEX TABLE CONCURRENTLY users', safe: { sql: 'REINDEX TABLE CONCURRENTLY users', transactional: false } },
]);
describeRule('transaction-nesting', [
  { about: 'COMMIT in a transactional migration', trigger: ['UPDATE users SET a = 1', 'COMMIT'], safe: ['UPDATE users SET a = 1', 'SAVEPOINT s', 'RELEASE SAVEPOINT s'] },
  { about: 'BEGIN', trigger: 'BEGIN', safe: { sql: ['BEGIN', 'UPDATE users SET a = 1', 'COMMIT'], transactional: false } },
]);
describeRule('ban-uncommitted-transaction', [
  { about: 'BEGIN without COMMIT', trigger: { sql: ['BEGIN', 'UPDATE users SET a = 1'], transactional: false }, safe: { sql: ['BEGIN', 'UPDATE users SET a = 1', 'COMMIT'], transactional: false } },
]);
describeRule('prefer-robust-stmts', [
  {
    about: 'outside a transaction',
    trigger: { sql: 'CREATE INDEX CONCURRENTLY idx ON users (email)', transactional: false },
    safe: { sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx ON users (email)', transactional: false },
  },
  { about: 'ADD COLUMN', trigger: { sql: 'ALTER TABLE users ADD COLUMN x int', transactional: false }, safe: 'ALTER TABLE users ADD COLUMN x int' },
]);
