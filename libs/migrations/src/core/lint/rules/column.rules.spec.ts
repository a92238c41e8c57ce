import { describeRule } from '../__fixtures__/rule-cases';
import { findings } from '../__fixtures__/lint-sql';

describeRule('adding-field-with-default', [
  {
    about: 'a volatile default (no database: the known volatile functions)',
    trigger: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()',
    safe: 'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now()',
    message: 'volatile default gen_random_uuid()',
  },
  {
    about: "a function the database reports VOLATILE (pg_proc.provolatile = 'v')",
    trigger: 'ALTER TABLE users ADD COLUMN code text DEFAULT make_code()',
    safe: 'ALTER TABLE users ADD COLUMN code text DEFAULT lower(\'x\')',
    env: { tables: { users: {} }, functionVolatility: { make_code: 'v', lower: 'i' } },
  },
  {
    about: 'any default before PostgreSQL 11',
    trigger: 'ALTER TABLE users ADD COLUMN active boolean DEFAULT true',
    safe: 'ALTER TABLE users ADD COLUMN active boolean DEFAULT true',
    env: { serverVersion: 100023 },
    safeEnv: { serverVersion: 110000 },
  },
]);
describeRule('adding-stored-generated-column', [
  {
    about: 'GENERATED ... STORED',
    trigger: 'ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (price * quantity) STORED',
    safe: 'ALTER TABLE orders ADD COLUMN total numeric',
  },
]);
describeRule('adding-auto-increment-column', [
  { about: 'serial', trigger: 'ALTER TABLE cities_users ADD COLUMN id bigserial', safe: 'ALTER TABLE cities_users ADD COLUMN id bigint' },
  { about: 'identity', trigger: 'ALTER TABLE cities_users ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY', safe: 'CREATE TABLE c (id bigint GENERATED ALWAYS AS IDENTITY)' },
]);
describeRule('prefer-jsonb', [
  { about: 'json column', trigger: 'ALTER TABLE users ADD COLUMN properties json', safe: 'ALTER TABLE users ADD COLUMN properties jsonb' },
]);

/** A table the database knows, with one column of the given catalog type (`typname:typmod`). */
const withColumn = (type: string, extra: Record<string, unknown> = {}) => ({ tables: { items: { columns: { c: { catalogType: type, ...extra } } } } });

describeRule('changing-column-type', [
  { about: 'int -> bigint rewrites', trigger: 'ALTER TABLE items ALTER COLUMN c TYPE bigint', safe: 'ALTER TABLE items ALTER COLUMN c TYPE int4', env: withColumn('int4'), message: /from int4 to int8 rewrites/ },
  { about: 'varchar shortened rewrites, lengthened does not', trigger: 'ALTER TABLE items ALTER COLUMN c TYPE varchar(100)', safe: 'ALTER TABLE items ALTER COLUMN c TYPE varchar(300)', env: withColumn('varchar:259') },
  { about: 'varchar -> text is free', trigger: 'ALTER TABLE items ALTER COLUMN c TYPE varchar(10)', safe: 'ALTER TABLE items ALTER COLUMN c TYPE text', env: withColumn('varchar:259') },
  { about: 'numeric scale change rewrites, more precision does not', trigger: 'ALTER TABLE items ALTER COLUMN c TYPE numeric(12,3)', safe: 'ALTER TABLE items ALTER COLUMN c TYPE numeric(12,2)', env: withColumn(`numeric:${((10 << 16) | 2) + 4}`) },
  { about: 'timestamp -> timestamptz rewrites outside UTC', trigger: 'ALTER TABLE items ALTER COLUMN c TYPE timestamptz', safe: 'ALTER TABLE items ALTER COLUMN c TYPE timestamp(6)', env: { ...withColumn('timestamp'), timeZone: 'Europe/Paris' } },
  {
    about: 'timestamp -> timestamptz is free in a UTC session (PostgreSQL 12+)',
    trigger: { sql: ['ALTER TABLE items ALTER COLUMN c TYPE timestamptz'] },
    safe: { sql: ["SET LOCAL TIME ZONE 'UTC'", 'ALTER TABLE items ALTER COLUMN c TYPE timestamptz'] },
    env: { ...withColumn('timestamp'), timeZone: 'Europe/London' },
  },
  { about: 'a USING that computes rewrites', trigger: 'ALTER TABLE items ALTER COLUMN c TYPE text USING upper(c)', safe: 'ALTER TABLE items ALTER COLUMN c TYPE text USING c::text', env: withColumn('varchar:14') },
  { about: 'less time precision rewrites', trigger: 'ALTER TABLE items ALTER COLUMN c TYPE timestamptz(0)', safe: 'ALTER TABLE items ALTER COLUMN c TYPE timestamptz', env: withColumn('timestamptz:3') },
  { about: 'inet -> cidr rewrites, cidr -> inet is free', trigger: 'ALTER TABLE items ALTER COLUMN c TYPE cidr', safe: 'ALTER TABLE items ALTER COLUMN c TYPE inet', env: withColumn('inet'), safeEnv: withColumn('cidr') },
  { about: 'a collation change rebuilds the indexes', trigger: 'ALTER TABLE items ALTER COLUMN c TYPE text COLLATE "C"', safe: 'ALTER TABLE items ALTER COLUMN c TYPE text COLLATE "default"', env: withColumn('text', { collation: 'default' }), message: /rebuilds the column's indexes/ },
  {
    about: 'a CHECK on the column is re-checked even without a rewrite',
    trigger: 'ALTER TABLE items ALTER COLUMN c TYPE varchar(20)',
    safe: 'ALTER TABLE items ALTER COLUMN c TYPE varchar(20)',
    env: withColumn('varchar:14', { checked: true }),
    safeEnv: withColumn('varchar:14', { checked: false }),
    message: /re-checks the CHECK/,
  },
  {
    about: 'the current type unknown (a table created in the run is new)',
    trigger: 'ALTER TABLE items ALTER COLUMN c TYPE varchar(300)',
    safe: ['CREATE TABLE fresh (c varchar(10))', 'ALTER TABLE fresh ALTER COLUMN c TYPE varchar(300)'],
    message: /cannot tell/,
  },
]);

describe('changing-column-type and table size', () => {
  const sql = 'ALTER TABLE items ALTER COLUMN c TYPE bigint';
  const sized = (rows: number, bytes: number) => ({ tables: { items: { rows, bytes, columns: { c: 'int4' } } } });
  it('a rewrite of a small table is harmless, of a medium one at its level, of a large one blocks', async () => {
    expect(await findings('changing-column-type', sql, sized(0, 16_384))).toEqual([]);
    expect((await findings('changing-column-type', sql, { ...sized(50_000, 20_000_000), levels: { 'changing-column-type': 'warn' } }))[0].level).toBe('warn');
    const large = await findings('changing-column-type', sql, { ...sized(5_000_000, 400_000_000), levels: { 'changing-column-type': 'warn' } });
    expect(large[0]).toMatchObject({ level: 'block', table: 'public.items', rows: 5_000_000, bytes: 400_000_000 });
  });
});
