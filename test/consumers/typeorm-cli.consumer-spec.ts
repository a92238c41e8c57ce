import { writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createConsumerApp, installStack, node, type CommandResult, type ConsumerApp } from './support/consumer-app';

/**
 * No lock-in with TypeORM's own CLI, both ways: a plain TypeORM project (its first migration generated and
 * applied by `typeorm`) adopts the module; what the module applies and reverts shows in `typeorm
 * migration:show`, and what TypeORM's CLI runs or reverts shows in `db current`.
 */
describe('a TypeORM project keeps its own CLI (NestJS 11, TypeORM 0.3.x)', () => {
  let app: ConsumerApp;
  let db: TestDatabase;
  let env: Record<string, string>;
  const typeorm = (...args: string[]) => node(app.dir, [join(app.stackDir, 'node_modules', 'typeorm', 'cli.js'), ...args, '-d', join('dist', 'src', 'data-source.js')], env);
  const ok = (result: CommandResult) => ({ code: result.code, output: result.code === 0 ? '' : `${result.stdout}\n${result.stderr}` });
  const current = async () => JSON.parse((await app.db(['current', '--json'], env)).stdout) as { atHead: boolean; pending: { id: string }[]; current: { id: string }[] };
  /** `migration:show` as [name, applied] pairs. */
  const shown = async () => {
    const result = await typeorm('migration:show');
    return [...result.stdout.matchAll(/\[(X| )\]\s+(?:\d+\s+)?(\w+)/g)].map((m) => [m[2], m[1] === 'X'] as [string, boolean]);
  };
  let ours: string;

  beforeAll(async () => {
    db = await createTestDatabase('consumer_typeorm_cli');
    env = { DATABASE_URL: db.url };
    app = createConsumerApp(await installStack('nest11'), 'typeorm-cli', 'cjs-classic');
    writeFileSync(
      join(app.dir, 'src', 'data-source.ts'),
      [
        "import 'reflect-metadata';",
        "import { DataSource } from 'typeorm';",
        "import { Customer } from './customers/customer.entity.js';",
        "import { Product } from './products/product.entity.js';",
        '',
        '// The data source TypeORM\'s own CLI uses (`typeorm migration:run -d dist/src/data-source.js`).',
        "export default new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, entities: [Customer, Product], migrations: [__dirname + '/../migrations/*.js'] });",
        '',
      ].join('\n'),
    );
    await app.build();
  });

  afterAll(async () => {
    await db?.drop();
    if (!process.env.KEEP_CONSUMER_APPS) app?.remove();
  });

  it("adopts what TypeORM's CLI generated and applied: at head, in sync, recorded by TypeORM", async () => {
    expect(ok(await typeorm('migration:generate', join('migrations', 'Init')))).toEqual({ code: 0, output: '' });
    await app.build();
    expect(ok(await typeorm('migration:run'))).toEqual({ code: 0, output: '' });
    const status = await current();
    expect(status.atHead).toBe(true);
    expect(status.current[0].id).toMatch(/^Init\d{13}$/);
    const history = JSON.parse((await app.db(['history', '--json'], env)).stdout) as { applied: boolean; appliedBy: string; appliedAt: string | null }[];
    expect(history[0]).toMatchObject({ applied: true, appliedBy: 'TypeORM', appliedAt: null });
    expect(ok(await app.db(['check'], env))).toEqual({ code: 0, output: '' });
  });

  it("records what `db migrate` applies in TypeORM's table too: migration:show agrees", async () => {
    app.edit(join('src', 'products', 'product.entity.ts'), '// @@extra-columns@@', "@Column({ type: 'varchar', length: 64, nullable: true })\n  sku!: string | null;");
    await app.build();
    expect(ok(await app.db(['migrate', '-m', 'add product sku'], env))).toEqual({ code: 0, output: '' });
    await app.build();
    expect(ok(await app.db(['migrate'], env))).toEqual({ code: 0, output: '' });
    const file = readdirSync(join(app.dir, 'migrations')).find((name) => name.includes('add_product_sku')) as string;
    ours = /export class (\w+)/.exec(app.read(join('migrations', file)))?.[1] as string;
    expect(await shown()).toEqual([
      [expect.stringMatching(/^Init\d{13}$/), true],
      [ours, true],
    ]);
  });

  it("sees a revert by TypeORM's CLI: the migration is pending again, and `db migrate` re-applies it", async () => {
    expect(ok(await typeorm('migration:revert'))).toEqual({ code: 0, output: '' });
    expect((await current()).pending).toHaveLength(1);
    expect(await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'sku'`)).toHaveLength(0);
    expect(ok(await app.db(['migrate'], env))).toEqual({ code: 0, output: '' });
    expect((await current()).atHead).toBe(true);
    expect((await shown()).every(([, applied]) => applied)).toBe(true);
  });

  it("removes what `db rollback` reverts from TypeORM's table, and counts what TypeORM's CLI runs as applied", async () => {
    expect(ok(await app.db(['rollback', '-s', '1'], env))).toEqual({ code: 0, output: '' });
    expect(await shown()).toContainEqual([ours, false]);
    expect(ok(await typeorm('migration:run'))).toEqual({ code: 0, output: '' });
    expect(await current()).toMatchObject({ atHead: true, pending: [] });
    expect(await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'sku'`)).toHaveLength(1);
  });
});
