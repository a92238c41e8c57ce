/**
 * The workflow a user runs in an app of their own, for one row of the consumer matrix: generate the first
 * migration, apply it, check, change an entity, generate and apply again, roll back, and boot with run on
 * boot serving /health.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../support/app-process';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { createConsumerApp, installStack, serveConsumerApp, type CommandResult, type ConsumerApp, type ModuleKind } from './consumer-app';
import { STACKS, type StackName } from './stacks';

export interface ConsumerRow {
  name: string;
  stack: StackName;
  kind: ModuleKind;
}

/** The command's exit code, with its output in the failure message. */
function exitOf(result: CommandResult): { code: number | null; output: string } {
  return { code: result.code, output: `${result.stdout}\n${result.stderr}` };
}

/** What an app's production build runs: tsc, then `nest-migrations bundle`. */
async function buildForProduction(app: ConsumerApp): Promise<void> {
  await app.build();
  expect(exitOf(await app.bundle())).toMatchObject({ code: 0 });
}

export function describeConsumerWorkflow(row: ConsumerRow): void {
  describe(`${row.name}: ${STACKS[row.stack].description} (${row.kind})`, () => {
    let app: ConsumerApp;
    let db: TestDatabase;
    let env: Record<string, string>;
    const migrationFiles = () => readdirSync(join(app.dir, 'migrations')).filter((name) => name.endsWith('.ts')).sort();
    const current = async () => {
      const result = await app.db(['current', '--json'], env);
      expect(exitOf(result)).toMatchObject({ code: 0 });
      return JSON.parse(result.stdout) as { atHead: boolean; pending: unknown[]; current: { id: string }[] };
    };

    beforeAll(async () => {
      db = await createTestDatabase(`consumer_${row.name}`);
      env = { DATABASE_URL: db.url };
      app = createConsumerApp(await installStack(row.stack), row.name, row.kind);
      await app.build();
    });

    afterAll(async () => {
      await db?.drop();
      if (!process.env.KEEP_CONSUMER_APPS) app?.remove();
    });

    it('generates the first migration from a plain @Entity and a @MigrationEntity, importing from the package name', async () => {
      const result = await app.db(['migrate', '-m', 'init'], env);
      expect(exitOf(result)).toMatchObject({ code: 0 });
      const [file] = migrationFiles();
      const source = app.read(join('migrations', file));
      expect(source).toContain("import type { RevisionInfo } from 'nest-migrations';");
      expect(source).toContain('CREATE TABLE "customers"');
      expect(source).toContain('CREATE TABLE "products"');
      await app.build();
    });

    it('applies it; `db current --json` parses although the app logs every query', async () => {
      // The production build: `nest-migrations bundle` after tsc (a fast CLI start for CommonJS apps).
      const bundled = await app.bundle();
      expect(exitOf(bundled)).toMatchObject({ code: 0 });
      if (row.kind === 'esm') expect(bundled.stderr).toContain('is an ES module: fast start serves CommonJS apps only');
      const verbose = await app.db(['current', '--verbose'], env);
      expect(verbose.stderr.includes('fast start: ')).toBe(row.kind !== 'esm');
      const migrate = await app.db(['migrate'], env);
      expect(exitOf(migrate)).toMatchObject({ code: 0 });
      const result = await app.db(['current', '--json'], env);
      expect(JSON.parse(result.stdout)).toMatchObject({ atHead: true, pending: [] });
      // TypeORM's query log (logging: true) went to stderr.
      expect(result.stderr).toMatch(/query: SELECT/);
    });

    it('`db check` finds the entities and the migrations in sync', async () => {
      expect(exitOf(await app.db(['check'], env))).toMatchObject({ code: 0 });
    });

    it('generates and applies a second migration after an entity change', async () => {
      app.edit(join('src', 'products', 'product.entity.ts'), '// @@extra-columns@@', "@Column({ type: 'varchar', length: 64, nullable: true })\n  sku!: string | null;");
      await buildForProduction(app);
      expect(exitOf(await app.db(['check'], env))).toMatchObject({ code: 1 });
      expect(exitOf(await app.db(['migrate', '-m', 'add product sku'], env))).toMatchObject({ code: 0 });
      expect(migrationFiles()).toHaveLength(2);
      // Two files written in the same minute sort by their random ids: find the new one by its slug.
      const added = migrationFiles().find((name) => name.endsWith('_add_product_sku.ts')) as string;
      expect(app.read(join('migrations', added))).toContain('ADD "sku" character varying(64)');
      await buildForProduction(app);
      expect(exitOf(await app.db(['migrate'], env))).toMatchObject({ code: 0 });
      expect(exitOf(await app.db(['check'], env))).toMatchObject({ code: 0 });
      expect(await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'sku'`)).toHaveLength(1);
    });

    it('`db rollback -s 1` reverts the newest migration', async () => {
      expect(exitOf(await app.db(['rollback', '-s', '1'], env))).toMatchObject({ code: 0 });
      expect(await current()).toMatchObject({ atHead: false, pending: [expect.anything()] });
      expect(await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'sku'`)).toHaveLength(0);
    });

    it('boots with run on boot, applies what is pending and serves /health 200', async () => {
      const served = await serveConsumerApp(app, await freePort(), { ...env, MIGRATE_ON_BOOT: 'true' });
      try {
        const health = await served.health();
        expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
      } finally {
        await served.stop();
      }
      expect(await current()).toMatchObject({ atHead: true });
    });
  });
}
