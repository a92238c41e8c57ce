import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { MigrationsService } from 'nest-migrations';
import { bootOnce, logLines, stopAllApps } from './support/app-process';
import { REPO_ROOT, runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { testAppModule } from './support/in-process';

const REVISIONS = ['08ab1432a152', '626ab0e768ab', 'b82d814bc902'];

async function ledger(db: TestDatabase, schema = 'public'): Promise<string[]> {
  const exists = (await db.query(`SELECT to_regclass($1) IS NOT NULL AS "e"`, [`"${schema}".migrations_ledger`]))[0].e;
  if (!exists) return [];
  return (await db.query<{ revision: string }>(`SELECT revision FROM "${schema}".migrations_ledger ORDER BY revision`)).map((row) => row.revision);
}

describe('database-per-tenant fan-out', () => {
  let main: TestDatabase;
  const tenants: TestDatabase[] = [];

  beforeAll(async () => {
    main = await createTestDatabase('tenants_main');
    for (let i = 0; i < 5; i++) tenants.push(await createTestDatabase(`tenant_db_${i}`));
  });
  afterAll(async () => {
    await stopAllApps();
    await Promise.all([main, ...tenants].map((db) => db?.drop()));
  });

  it('migrates 5 databases, each with its own ledger, and reports them in the matrix', async () => {
    const env = { DATABASE_URL: main.url, TENANTS: tenants.map((db, i) => `db${i}=${db.url}`).join(',') };
    const run = await runCli(['db', 'migrate', '--all-tenants', '--concurrency', '2', '--json'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const matrix = JSON.parse(run.stdout);
    expect(matrix).toMatchObject({ total: 5, atHead: 5, failed: 0 });
    expect(matrix.tenants.map((row: { tenant: string; database: string; schema: string; state: string; steps: number }) => [row.tenant, row.database.endsWith(tenants[Number(row.tenant.slice(2))].name), row.schema, row.state, row.steps])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [`db${i}`, true, 'public', 'migrated', 3]),
    );
    for (const db of tenants) expect(await ledger(db)).toEqual(REVISIONS);
    // The app's own database was not touched.
    expect(await ledger(main)).toEqual([]);

    const current = await runCli(['db', 'current', '--all-tenants'], { env });
    expect(current.code).toBe(0);
    expect(current.stdout).toMatch(/^db4 +b82d814bc902 +0 +at-head$/m);

    const one = await runCli(['db', 'rollback', '--tenant', 'db2', '-s', '3'], { env });
    expect(one.code).toBe(0);
    expect(await ledger(tenants[2])).toEqual([]);
    const lagging = await runCli(['db', 'current', '--all-tenants', '--json'], { env });
    expect(lagging.code).toBe(1);
    expect(JSON.parse(lagging.stdout).tenants[2]).toMatchObject({ tenant: 'db2', state: 'pending', revision: [], pending: 3, error: null });
  });

  it('reports an unreachable tenant database in its row and goes on with the others', async () => {
    const missing = new URL(tenants[0].url);
    missing.pathname = '/no_such_tenant_database';
    const env = { DATABASE_URL: main.url, TENANTS: `gone=${missing}` + ',' + `db3=${tenants[3].url}` };
    const run = await runCli(['db', 'current', '--all-tenants', '--json'], { env });
    expect(run.code).toBe(1);
    const rows = JSON.parse(run.stdout).tenants;
    expect(rows[0]).toMatchObject({ tenant: 'gone', state: 'failed', revision: null, error: { code: 'database_missing' } });
    expect(rows[1]).toMatchObject({ tenant: 'db3', state: 'at-head' });
  });
});

describe('tenants on boot and from code', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('tenants_boot');
  });
  afterAll(async () => {
    await stopAllApps();
    await db.drop();
  });

  it('the boot hook migrates every tenant after the app schema, and fails the boot when one fails', async () => {
    const env = { DATABASE_URL: db.url, MIGRATE_ON_BOOT: 'true', MIGRATE_ON_BOOT_TENANTS: 'true', TENANTS: 'boot_a,boot_b,boot_c' };
    const served = await bootOnce(env);
    expect(served.exit).toBeUndefined();
    expect(logLines(served.output, 'LOG')).toContainEqual(expect.stringMatching(/^Tenants: 3 migrated, 0 up to date \(\d+ ms\)$/));
    for (const schema of ['public', 'boot_a', 'boot_b', 'boot_c']) expect(await ledger(db, schema)).toEqual(REVISIONS);

    const again = await bootOnce(env);
    expect(logLines(again.output, 'LOG')).toContainEqual(expect.stringMatching(/^Tenants: 0 migrated, 3 up to date/));

    await db.query('CREATE SCHEMA boot_bad; CREATE TABLE boot_bad.users (id int)');
    const failed = await bootOnce({ ...env, TENANTS: 'boot_a,boot_bad,boot_d' });
    expect(failed.exit).toEqual({ code: 1, signal: null });
    expect(logLines(failed.output, 'ERROR')).toContainEqual(expect.stringMatching(/^Tenant boot_bad failed: Migration 626ab0e768ab failed during up/));
    // The tenant after the failing one was migrated anyway.
    expect(await ledger(db, 'boot_d')).toEqual(REVISIONS);
  });

  it('migrateTenant() brings a schema created at sign-up to head', async () => {
    const module = testAppModule({ url: db.url, entities: [], migrationsDir: join(REPO_ROOT, 'migrations'), migrations: { tenants: ['listed'] } });
    const app = await NestFactory.createApplicationContext(module, { logger: false });
    try {
      const migrations = app.get(MigrationsService);
      const events: { type: string; tenant?: string }[] = [];
      migrations.on('*', (event) => events.push({ type: event.type, tenant: 'tenant' in event ? event.tenant : undefined }));
      const report = await migrations.migrateTenant({ name: 'signup', schema: 'tenant_signup' });
      // Run events of a tenant's run name the tenant.
      expect(events.filter((event) => event.type === 'done')).toEqual([{ type: 'done', tenant: 'signup' }]);
      expect(report.steps.map((step) => step.revision).sort()).toEqual(REVISIONS);
      expect(await ledger(db, 'tenant_signup')).toEqual(REVISIONS);
      expect((await migrations.migrateTenant({ name: 'signup', schema: 'tenant_signup' })).steps).toEqual([]);
      // A name is looked up in the tenant source.
      expect((await migrations.migrateTenant('listed')).steps).toHaveLength(3);
      await expect(migrations.migrateTenant('nobody')).rejects.toThrow("Unknown tenant 'nobody'");
      const status = await migrations.withTenant('listed', (tenant) => tenant.status());
      expect(status).toMatchObject({ atHead: true, pending: [] });
    } finally {
      await app.close();
    }
  });
});
