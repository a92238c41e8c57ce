import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Order } from '../src/orders/order.entity';
import { Product } from '../src/products/product.entity';
import { ProductsSeeder } from '../src/products/products.seeder';
import { User } from '../src/users/user.entity';
import { UsersSeeder } from '../src/users/users.seeder';
import { createTestDatabase, type TestDatabase } from './support/database';
import { LEDGER } from './support/example-app';
import { runInProcess, testAppModule } from './support/in-process';

/**
 * The alembic workflow guide's commands, as its readers type them (`python3 cli/main.py db ...` becomes
 * `node dist/main.js db ...`), on a new project: the example app's entities and seeders, no migration yet.
 * The list below is every `db` command line of that guide, in the order a reader meets them.
 */
const GUIDE = {
  fullWorkflow: ['db stamp head', 'db migrate -m "Initial"', 'db migrate', 'db seed', 'db current'],
  dayToDay: [
    'db migrate --message "Add email verification fields"',
    'db current',
    'db history',
    'db rollback --steps 1',
    'db current',
    'db migrate',
    'db stamp head',
    'db migrate --message "Your migration"',
    'db rollback -s 1',
    'db migrate',
  ],
};

/** `db migrate -m "Initial"` -> ['db', 'migrate', '-m', 'Initial']. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

describe('the seed guide, verbatim', () => {
  let db: TestDatabase;
  let dir: string;
  let app: ReturnType<typeof testAppModule>;
  const run = (line: string) => runInProcess(app, words(line));

  beforeAll(async () => {
    db = await createTestDatabase('seed_guide');
    dir = mkdtempSync(join(tmpdir(), 'seed-guide-'));
    app = testAppModule({ url: db.url, entities: [User, Product, Order], migrationsDir: dir, providers: [UsersSeeder, ProductsSeeder] });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('the full workflow example: stamp a fresh database, generate the first migration, apply, seed, verify', async () => {
    for (const line of GUIDE.fullWorkflow) {
      const result = await run(line);
      expect({ line, code: result.code, stderr: result.stderr }).toEqual({ line, code: 0, stderr: '' });
      if (line === 'db current') expect(result.stdout).toMatch(/\(head\)[\s\S]*Database is up to date\./);
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('_initial.ts'))).toHaveLength(1);
    expect(await db.query('SELECT email FROM users ORDER BY email')).toEqual([{ email: 'ada@example.com' }, { email: 'grace@example.com' }]);
  });

  it('the day-to-day commands and the troubleshooting answers work as written', async () => {
    for (const line of GUIDE.dayToDay) {
      const result = await run(line);
      expect({ line, code: result.code }).toEqual({ line, code: 0 });
    }
    const ledger = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${LEDGER}`);
    expect(ledger[0].n).toBe(1);
  });

  it('db reset and db stamp with an unknown revision answer like the guide says (refused, exit 2)', async () => {
    const reset = await run('db reset');
    expect({ code: reset.code, stderr: reset.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('without --force') });
    expect((await run('db reset -f')).code).toBe(0);
    const stamp = await run('db stamp abc123def');
    expect({ code: stamp.code, stderr: stamp.stderr }).toEqual({ code: 2, stderr: expect.stringContaining("Can't locate revision identified by 'abc123def'") });
  });
});
