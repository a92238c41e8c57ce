import { describeRule } from '../__fixtures__/rule-cases';

describeRule('prefer-repack', [
  { about: 'VACUUM FULL', trigger: { sql: 'VACUUM FULL orders', transactional: false }, safe: { sql: 'VACUUM (ANALYZE) orders', transactional: false } },
  { about: 'CLUSTER', trigger: 'CLUSTER orders USING orders_pkey', safe: 'ANALYZE orders' },
]);
describeRule('rewriting-table', [
  { about: 'SET TABLESPACE', trigger: 'ALTER TABLE orders SET TABLESPACE fast', safe: 'ALTER TABLE orders SET (fillfactor = 90)' },
  { about: 'SET LOGGED', trigger: 'ALTER TABLE orders SET LOGGED', safe: 'CREATE UNLOGGED TABLE scratch (id int)' },
]);
describeRule('ban-lock-table', [
  { about: 'LOCK TABLE (ACCESS EXCLUSIVE)', trigger: 'LOCK TABLE orders', safe: 'LOCK TABLE orders IN ROW EXCLUSIVE MODE', message: 'IN ACCESS EXCLUSIVE MODE blocks reads and writes' },
  { about: 'SHARE mode', trigger: 'LOCK TABLE orders IN SHARE MODE', safe: 'LOCK TABLE orders IN ACCESS SHARE MODE', message: 'blocks writes' },
]);
describeRule('require-concurrent-partition-detach', [
  { about: 'DETACH PARTITION', trigger: 'ALTER TABLE events DETACH PARTITION events_2020', safe: { sql: 'ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY', transactional: false } },
]);
describeRule('require-concurrent-refresh', [
  { about: 'REFRESH MATERIALIZED VIEW', trigger: 'REFRESH MATERIALIZED VIEW totals', safe: 'REFRESH MATERIALIZED VIEW CONCURRENTLY totals' },
]);
describeRule('backfill-under-lock', [
  {
    about: 'UPDATE after ALTER in one transaction',
    trigger: ['ALTER TABLE users ADD COLUMN plan text', "UPDATE users SET plan = 'free'"],
    safe: [{ sql: 'ALTER TABLE users ADD COLUMN plan text' }, { sql: "UPDATE users SET plan = 'free'", transactional: false }],
  },
]);
describeRule('ban-alter-domain-with-add-constraint', [
  { about: 'ADD CONSTRAINT to a domain', trigger: 'ALTER DOMAIN positive ADD CONSTRAINT gt0 CHECK (VALUE > 0)', safe: 'ALTER DOMAIN positive ADD CONSTRAINT gt0 CHECK (VALUE > 0) NOT VALID' },
]);
