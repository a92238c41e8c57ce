import { spawn } from 'node:child_process';
import { cliEntry, cliEnv, REPO_ROOT, runCli, runCliConcurrently } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { waitFor } from './support/wait';

/** The example app's three migrations, run once per tenant schema. */
const REVISIONS = ['08ab1432a152', '626ab0e768ab', 'b82d814bc902'];

/** `tenant_000` ... : the rows of the example app's `tenants` table (TENANTS=table). */
async function createTenants(db: TestDatabase, prefix: string, n: number): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}_${String(i).padStart(3, '0')}`);
  await db.query(`CREATE TABLE IF NOT EXISTS public.tenants ("name" text PRIMARY KEY, "schema_name" text, "url" text)`);
  await db.query(`DELETE FROM public.tenants`);
  await db.query(`INSERT INTO public.tenants ("name", "schema_name") SELECT unnest($1::text[]), unnest($1::text[])`, [names]);
  return names;
}

/** How many times each tenant's audit log says each revision was applied: `{ tenant: { revision: n } }`. */
async function appliedCounts(db: TestDatabase, names: readonly string[]): Promise<Record<string, Record<string, number>>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const name of names) {
    const exists = (await db.query(`SELECT to_regclass($1) IS NOT NULL AS "e"`, [`"${name}".migrations_ledger_log`]))[0].e;
    const rows = exists ? await db.query<{ revision: string; n: number }>(`SELECT revision, count(*)::int AS n FROM "${name}".migrations_ledger_log WHERE event = 'applied' GROUP BY revision`) : [];
    counts[name] = Object.fromEntries(rows.map((row) => [row.revision, row.n]));
  }
  return counts;
}

async function ledgerIds(db: TestDatabase, schema: string): Promise<string[]> {
  return (await db.query<{ revision: string }>(`SELECT revision FROM "${schema}".migrations_ledger ORDER BY revision`)).map((row) => row.revision);
}

const ONCE = Object.fromEntries(REVISIONS.map((id) => [id, 1]));

describe('schema-per-tenant fan-out', () => {
  let db: TestDatabase;
  const env = () => ({ DATABASE_URL: db.url, TENANTS: 'table' });

  beforeAll(async () => {
    db = await createTestDatabase('tenants_schema');
  });
  afterAll(() => db.drop());

  it('migrates 50 schemas, each with its own ledger, and prints the matrix', async () => {
    const names = await createTenants(db, 'fifty', 50);
    const run = await runCli(['db', 'migrate', '--all-tenants', '--concurrency', '4'], { env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^TENANT +REVISION +PENDING +STATE +ERROR$/m);
    expect(run.stdout).toMatch(/^fifty_049 +b82d814bc902 +0 +migrated$/m);
    expect(run.stdout).toContain('50 tenants: 50 at head.');
    const counts = await appliedCounts(db, names);
    for (const name of names) expect({ name, applied: counts[name] }).toEqual({ name, applied: ONCE });
    // Nothing went to public: each tenant's tables are in its schema.
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('users', 'migrations_ledger')`)).toEqual([]);
    expect((await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'users'`))[0].n).toBe(50);

    const current = await runCli(['db', 'current', '--all-tenants', '--json'], { env: env() });
    expect(current.code).toBe(0);
    const matrix = JSON.parse(current.stdout);
    expect(matrix).toMatchObject({ total: 50, atHead: 50, failed: 0, lagging: 0 });
    expect(matrix.tenants[0]).toEqual({ tenant: 'fifty_000', schema: 'fifty_000', database: expect.any(String), state: 'at-head', revision: ['b82d814bc902'], pending: 0, steps: 0, error: null });

    // A rerun touches nobody.
    const again = await runCli(['db', 'migrate', '--all-tenants', '--json'], { env: env() });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).tenants.every((row: { state: string; steps: number }) => row.state === 'at-head' && row.steps === 0)).toBe(true);
  });

  it('acts on one tenant with --tenant: rollback, stamp, history, current', async () => {
    await createTenants(db, 'one', 2);
    expect((await runCli(['db', 'migrate', '--all-tenants'], { env: env() })).code).toBe(0);
    const rollback = await runCli(['db', 'rollback', '--tenant', 'one_000'], { env: env() });
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain('Rolling back tenant one_000:');
    expect(await ledgerIds(db, 'one_000')).toEqual(['08ab1432a152', '626ab0e768ab']);
    expect(await ledgerIds(db, 'one_001')).toEqual(REVISIONS);

    const current = await runCli(['db', 'current', '--all-tenants'], { env: env() });
    expect(current.code).toBe(1);
    expect(current.stdout).toMatch(/^one_000 +08ab1432a152 +1 +pending$/m);

    const history = await runCli(['db', 'history', '--tenant', 'one_000', '--json'], { env: env() });
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).map((entry: { id: string; applied: boolean }) => [entry.id, entry.applied])).toEqual([['b82d814bc902', false], ['08ab1432a152', true], ['626ab0e768ab', true]]);

    // --sql for one tenant is a script that runs in its schema.
    const sql = await runCli(['db', 'migrate', '--sql', '--tenant', 'one_000'], { env: env() });
    expect(sql.code).toBe(0);
    expect(sql.stdout).toMatch(/^-- In the tenant's schema\nSET search_path TO "one_000";\n\n-- Running upgrade 08ab1432a152 -> b82d814bc902/);

    const stamp = await runCli(['db', 'stamp', '--tenant', 'one_000', '--json'], { env: env() });
    expect(stamp.code).toBe(0);
    expect(JSON.parse(stamp.stdout)).toMatchObject({ tenant: 'one_000', schema: 'one_000', added: ['b82d814bc902'], atHead: true });
    expect((await runCli(['db', 'current', '--all-tenants'], { env: env() })).code).toBe(0);

    const histories = await runCli(['db', 'history', '--all-tenants', '--json'], { env: env() });
    expect(JSON.parse(histories.stdout).map((result: { tenant: string; entries: unknown[] }) => [result.tenant, result.entries.length])).toEqual([['one_000', 3], ['one_001', 3]]);
  });

  it('seeds each tenant in its own schema: db seed --all-tenants', async () => {
    await createTenants(db, 'seed', 2);
    expect((await runCli(['db', 'migrate', '--all-tenants'], { env: env() })).code).toBe(0);
    const seed = await runCli(['db', 'seed', '--all-tenants', '--json'], { env: { ...env(), NODE_ENV: 'test' } });
    expect(seed.code).toBe(0);
    expect(JSON.parse(seed.stdout).tenants.map((row: { tenant: string; state: string }) => [row.tenant, row.state])).toEqual([['seed_000', 'seeded'], ['seed_001', 'seeded']]);
    for (const schema of ['seed_000', 'seed_001']) expect((await db.query(`SELECT count(*)::int AS n FROM "${schema}".users`))[0].n).toBe(2);
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'users'`)).toEqual([]);
  });

  it('refuses bad input in one line, exit 2', async () => {
    await createTenants(db, 'bad', 2);
    const unknown = await runCli(['db', 'migrate', '--tenant', 'bad_00'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: Unknown tenant 'bad_00'\nhint: Did you mean 'bad_000'\?/);
    const both = await runCli(['db', 'current', '--tenant', 'bad_000', '--all-tenants'], { env: env() });
    expect(both.code).toBe(2);
    expect(both.stderr.split('\n')[0]).toBe('error: Give either --tenant NAME or --all-tenants, not both');
    const alone = await runCli(['db', 'migrate', '--concurrency', '2'], { env: env() });
    expect(alone.code).toBe(2);
    expect(alone.stderr.split('\n')[0]).toBe('error: --concurrency and --fail-fast go with --tenant NAME or --all-tenants');
    const generate = await runCli(['db', 'migrate', '-m', 'x', '--all-tenants'], { env: env() });
    expect(generate.code).toBe(2);
    expect(generate.stderr.split('\n')[0]).toBe('error: -m writes one migration file for every tenant: it does not take --tenant or --all-tenants');
    const none = await runCli(['db', 'current', '--all-tenants'], { env: { DATABASE_URL: db.url } });
    expect(none.code).toBe(2);
    expect(none.stderr.split('\n')[0]).toMatch(/^error: This app has no tenants/);
  });

  it('goes on when one tenant fails: exit 1, the matrix shows its error, the others are at head', async () => {
    const names = await createTenants(db, 'fail', 6);
    await db.query(`CREATE SCHEMA fail_003; CREATE TABLE fail_003.users (id int)`);
    const run = await runCli(['db', 'migrate', '--all-tenants', '--concurrency', '2'], { env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^fail_003 +base +3 +failed +Migration 626ab0e768ab failed during up: relation "users" already exists$/m);
    expect(run.stdout).toContain('6 tenants: 5 at head, 1 failed.');
    expect(run.stderr).toContain('tenant fail_003 failed: Migration 626ab0e768ab failed during up');
    for (const name of names.filter((name) => name !== 'fail_003')) expect(await ledgerIds(db, name)).toEqual(REVISIONS);

    const json = await runCli(['db', 'migrate', '--all-tenants', '--json'], { env: env() });
    expect(json.code).toBe(1);
    const row = JSON.parse(json.stdout).tenants.find((r: { tenant: string }) => r.tenant === 'fail_003');
    expect(row).toMatchObject({ state: 'failed', revision: [], pending: 3, error: { code: 'migration_failed' } });

    // --fail-fast: nothing after the failing tenant starts.
    const fast = await runCli(['db', 'rollback', '--all-tenants', '--concurrency', '1', '--fail-fast', '--json'], { env: env() });
    expect(fast.code).toBe(1);
    expect(JSON.parse(fast.stdout).tenants.map((r: { state: string }) => r.state)).toEqual(['reverted', 'reverted', 'reverted', 'failed', 'skipped', 'skipped']);
  });

  it('after a SIGKILL mid-fan-out, a rerun brings everyone to head, each migration applied once', async () => {
    const names = await createTenants(db, 'kill', 50);
    const child = spawn(process.execPath, [cliEntry(), 'db', 'migrate', '--all-tenants', '--concurrency', '2'], { cwd: REPO_ROOT, env: cliEnv(env()), stdio: 'ignore' });
    let gone = false;
    const exited = new Promise((resolve) => child.on('exit', resolve)).finally(() => (gone = true));
    const ledgers = async () => (await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'migrations_ledger' AND schemaname LIKE 'kill_%'`))[0].n as number;
    await waitFor(async () => gone || (await ledgers()) >= 5, 'five tenants to have a ledger');
    expect(gone).toBe(false);
    child.kill('SIGKILL');
    await exited;
    const before = await appliedCounts(db, names);
    const atHeadBefore = names.filter((name) => Object.keys(before[name]).length === 3).length;
    expect(atHeadBefore).toBeLessThan(50);

    const rerun = await runCli(['db', 'migrate', '--all-tenants', '--json'], { env: env() });
    expect(rerun.code).toBe(0);
    const rows = JSON.parse(rerun.stdout).tenants as { tenant: string; state: string }[];
    // Only the tenants not at head were touched.
    expect(rows.filter((row) => row.state === 'at-head').length).toBe(atHeadBefore);
    const after = await appliedCounts(db, names);
    for (const name of names) expect({ name, applied: after[name] }).toEqual({ name, applied: ONCE });
  });

  it('two fan-outs at once migrate each tenant once', async () => {
    const names = await createTenants(db, 'twice', 30);
    const runs = await runCliConcurrently(2, ['db', 'migrate', '--all-tenants', '--concurrency', '3', '--json'], { env: env() });
    for (const run of runs) expect(run.code).toBe(0);
    const counts = await appliedCounts(db, names);
    for (const name of names) expect({ name, applied: counts[name] }).toEqual({ name, applied: ONCE });
    // Between them, each tenant was migrated by exactly one run.
    const migrated = runs.flatMap((run) => JSON.parse(run.stdout).tenants.filter((row: { state: string }) => row.state === 'migrated').map((row: { tenant: string }) => row.tenant));
    expect(migrated.sort()).toEqual(names);
  });
});
