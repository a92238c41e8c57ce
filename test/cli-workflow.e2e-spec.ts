import { dumpCatalog } from 'nest-migrations/testing';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, exampleRevisions, LEDGER, LEDGER_TABLES, ledgerIds, tableExists } from './support/example-app';

/** The guide's Getting Started and Common Commands, run against the example app as a user runs them. */
describe('db commands on the example app', () => {
  let db: TestDatabase;
  let cli: ReturnType<typeof cliFor>;
  const revisions = exampleRevisions();
  const ids = revisions.map((r) => r.id);
  const head = ids[ids.length - 1];

  beforeAll(async () => {
    db = await createTestDatabase('workflow');
    cli = cliFor(db);
  });
  afterAll(() => db.drop());

  it('has at least two revisions in the example history', () => {
    expect(revisions.length).toBeGreaterThanOrEqual(2);
  });

  it('reads status on a fresh database without creating anything', async () => {
    const current = await cli('db', 'current');
    expect(current.code).toBe(0);
    expect(current.stdout).toContain('base (nothing applied)');
    expect(current.stdout).toContain(`${ids.length} pending migrations`);
    const history = await cli('db', 'history');
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(new RegExp(`${head}\\s+\\(head\\)\\s+pending`));
    expect(await tableExists(db, LEDGER)).toBe(false);
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toEqual([]);
  });

  it('applies every pending migration in order, each recorded in the ledger', async () => {
    const result = await cli('db', 'migrate');
    expect(result.code).toBe(0);
    ids.forEach((id, i) => expect(result.stdout).toContain(`[${i + 1}/${ids.length}] apply ${id}`));
    expect(result.stdout).toContain(`now at ${head} (head)`);
    expect(await ledgerIds(db)).toEqual(ids);
    for (const table of ['users', 'products', 'orders']) expect(await tableExists(db, table)).toBe(true);
    const rows = await db.query(`SELECT kind, checksum, execution_ms, applied_by FROM ${LEDGER}`);
    for (const row of rows) {
      expect(row.kind).toBe('applied');
      expect(row.checksum).toMatch(/^v2:[A-Za-z0-9_-]{43}$/);
      expect(row.execution_ms).toBeGreaterThanOrEqual(0);
      expect(row.applied_by).toMatch(/:\d+$/);
    }
  });

  it('says there is nothing to apply when at head', async () => {
    const result = await cli('db', 'migrate');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Nothing to apply: the database is at ${head} (head)`);
    expect(await ledgerIds(db)).toEqual(ids);
  });

  it('shows the current head and that the database is up to date', async () => {
    const result = await cli('db', 'current');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${head}\\s+\\(head\\)`));
    expect(result.stdout).toContain('Database is up to date.');
  });

  it('lists history newest first with applied and current marks', async () => {
    const result = await cli('db', 'history');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const order = ids.map((id) => lines.findIndex((line) => line.includes(`-> ${id}`)));
    expect(order).toEqual([...order].sort((a, b) => b - a));
    expect(lines[order[order.length - 1]]).toMatch(/\(head, current\)\s+applied/);
    expect(lines[order[0]]).toContain('<base> ->');
  });

  it('prints current and history as JSON for machines', async () => {
    const current = JSON.parse((await cli('db', 'current', '--json')).stdout);
    expect(current).toMatchObject({ atHead: true, heads: [head], pending: [], unknown: [], applied: ids.length, total: ids.length });
    const history = JSON.parse((await cli('db', 'history', '--json')).stdout);
    expect(history.map((entry: { id: string }) => entry.id)).toEqual([...ids].reverse());
    const heads = JSON.parse((await cli('db', 'heads', '--json')).stdout);
    expect(heads.map((h: { id: string }) => h.id)).toEqual([head]);
  });

  it('rolls back N newest first, and migrating again restores an identical schema', async () => {
    const before = await dumpCatalog(db.query, { exclude: LEDGER_TABLES });
    const one = await cli('db', 'rollback', '--steps', '1');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`revert ${head}`);
    expect(await tableExists(db, 'orders')).toBe(false);
    expect(await ledgerIds(db)).toEqual(ids.slice(0, -1));

    const rest = await cli('db', 'rollback', '-s', String(ids.length - 1));
    expect(rest.code).toBe(0);
    const reverted = [...rest.stdout.matchAll(/revert (\w+)/g)].map((m) => m[1]);
    expect(reverted).toEqual(ids.slice(0, -1).reverse());
    expect(await ledgerIds(db)).toEqual([]);
    expect(await dumpCatalog(db.query, { exclude: LEDGER_TABLES })).toEqual(await emptyCatalog());

    expect((await cli('db', 'migrate')).code).toBe(0);
    expect(await dumpCatalog(db.query, { exclude: LEDGER_TABLES })).toEqual(before);
  });

  it('migrates to a target given by unique prefix, then to head', async () => {
    expect((await cli('db', 'rollback', '-s', String(ids.length))).code).toBe(0);
    const partial = await cli('db', 'migrate', '--to', ids[1].slice(0, 6));
    expect(partial.code).toBe(0);
    expect(await ledgerIds(db)).toEqual(ids.slice(0, 2));
    const current = await cli('db', 'current');
    expect(current.stdout).toContain(`${ids.length - 2} pending migration`);
    expect((await cli('db', 'migrate')).code).toBe(0);
    expect(await ledgerIds(db)).toEqual(ids);
  });

  it('stamps without running migrations: base empties the ledger, a revision marks its ancestors', async () => {
    const base = await cli('db', 'stamp', 'base');
    expect(base.code).toBe(0);
    expect(base.stdout).toContain('No migration was run');
    expect(await ledgerIds(db)).toEqual([]);
    expect(await tableExists(db, 'orders')).toBe(true);

    const middle = await cli('db', 'stamp', ids[1]);
    expect(middle.code).toBe(0);
    expect(await ledgerIds(db)).toEqual(ids.slice(0, 2));
    const kinds = await db.query(`SELECT DISTINCT kind FROM ${LEDGER}`);
    expect(kinds).toEqual([{ kind: 'stamped' }]);

    const toHead = await cli('db', 'stamp');
    expect(toHead.code).toBe(0);
    expect(await ledgerIds(db)).toEqual(ids);
    expect((await cli('db', 'current')).stdout).toContain('Database is up to date.');
  });

  it('lists the single head', async () => {
    const result = await cli('db', 'heads');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${head}\\s+\\(head\\)`, 'm'));
  });

  async function emptyCatalog() {
    const scratch = await createTestDatabase('workflow_empty');
    try {
      return await dumpCatalog(scratch.query);
    } finally {
      await scratch.drop();
    }
  }
});
