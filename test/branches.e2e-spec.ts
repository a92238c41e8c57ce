import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/database';
import { ledgerIds, tableExists } from './support/example-app';
import { runInProcess, testAppModule } from './support/in-process';

/** Two developers branch from the same head: the guide's "Migration Conflicts", end to end. */
describe('branches and merges', () => {
  let db: TestDatabase;
  let dir: string;
  let app: ReturnType<typeof testAppModule>;
  const base = 'ba5e00000001';
  const left = 'aaaa00000002';
  const right = 'bbbb00000003';

  beforeAll(async () => {
    db = await createTestDatabase('branches');
    dir = mkdtempSync(join(tmpdir(), 'branches-'));
    writeMigration('20261101_0900', base, [], 'Create base', 'base_table');
    writeMigration('20261102_0900', left, [base], 'Add left', 'left_table');
    writeMigration('20261102_0930', right, [base], 'Add right', 'right_table');
    app = testAppModule({ url: db.url, entities: [], migrationsDir: dir });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  function writeMigration(stamp: string, id: string, parents: string[], message: string, table: string): void {
    const name = `${message.replace(/\s/g, '')}${Date.parse(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T00:00:00Z`)}`;
    writeFileSync(
      join(dir, `${stamp}_${id}_${table}.js`),
      `class ${name} {
  async up(q) { await q.query('CREATE TABLE "${table}" ("id" SERIAL PRIMARY KEY)'); }
  async down(q) { await q.query('DROP TABLE "${table}"'); }
}
${name}.revision = { id: '${id}', parents: ${JSON.stringify(parents)}, message: '${message}' };
exports.${name} = ${name};
`,
    );
  }

  it('lists both heads and the branch point', async () => {
    const heads = JSON.parse((await runInProcess(app, ['db', 'heads', '--json'])).stdout);
    expect(heads.map((h: { id: string }) => h.id).sort()).toEqual([left, right]);
    const json = JSON.parse((await runInProcess(app, ['db', 'branches', '--json'])).stdout);
    expect(json).toEqual([
      { id: base, message: 'Create base', children: [{ id: left, message: 'Add left', head: true }, { id: right, message: 'Add right', head: true }] },
    ]);
    const branches = await runInProcess(app, ['db', 'branches']);
    expect(branches.code).toBe(0);
    expect(branches.stdout).toMatch(new RegExp(`${base} \\(branchpoint\\)  Create base`));
    expect(branches.stdout).toMatch(new RegExp(`-> ${left}\\s+\\(head\\)\\s+Add left`));
    expect(branches.stdout).toMatch(new RegExp(`-> ${right}\\s+\\(head\\)\\s+Add right`));
  });

  it('refuses to migrate to "head" with two heads, lists them and names db merge', async () => {
    const result = await runInProcess(app, ['db', 'migrate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Multiple head revisions are present: ${left}, ${right}`);
    expect(result.stderr).toContain(`db merge ${left} ${right}`);
    expect(await ledgerIds(db)).toEqual([]);
  });

  it('refuses to generate a migration on top of two heads', async () => {
    const result = await runInProcess(app, ['db', 'migrate', '-m', 'Something', '--empty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Multiple head revisions are present');
  });

  it('writes a merge revision of the heads and applies both branches and the merge', async () => {
    const merged = await runInProcess(app, ['db', 'merge', '-m', 'merge heads']);
    expect(merged.code).toBe(0);
    const file = readdirSync(dir).find((name) => name.endsWith('_merge_heads.ts'));
    expect(file).toBeDefined();
    const source = readFileSync(join(dir, file as string), 'utf8');
    expect(source).toContain(`parents: ['${left}', '${right}']`);
    const mergeId = /id: '([0-9a-f]{12})'/.exec(source)?.[1] as string;

    const heads = JSON.parse((await runInProcess(app, ['db', 'heads', '--json'])).stdout);
    expect(heads.map((h: { id: string }) => h.id)).toEqual([mergeId]);
    const migrate = await runInProcess(app, ['db', 'migrate']);
    expect(migrate.code).toBe(0);
    expect(await ledgerIds(db)).toEqual([base, left, right, mergeId]);
    for (const table of ['base_table', 'left_table', 'right_table']) expect(await tableExists(db, table)).toBe(true);

    const history = JSON.parse((await runInProcess(app, ['db', 'history', '--json'])).stdout);
    expect(history[0]).toMatchObject({ id: mergeId, merge: true, head: true, current: true, parents: [left, right] });
    const text = await runInProcess(app, ['db', 'history']);
    expect(text.stdout).toMatch(new RegExp(`${left}, ${right} -> ${mergeId}\\s+\\(head, current, merge\\)`));
  });

  it('refuses a merge when there is nothing to merge', async () => {
    const result = await runInProcess(app, ['db', 'merge']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Nothing to merge: there is 1 head');
    const covered = await runInProcess(app, ['db', 'merge', base, left]);
    expect(covered.code).toBe(2);
    expect(covered.stderr).toContain(`Revision ${base} is already an ancestor of ${left}`);
  });
});
