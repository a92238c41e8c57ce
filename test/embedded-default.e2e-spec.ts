import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli';
import { exampleRevisions } from './support/example-app';

/** With no DATABASE_URL, the example app runs its migrations on the embedded PGlite database. */
describe('embedded default database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pglite-'));
  const env = { PGLITE_DATA_DIR: join(dataDir, 'db'), DATABASE_URL: undefined };
  const ids = exampleRevisions().map((r) => r.id);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, reports, rolls back and migrates again without a server', async () => {
    const migrate = await runCli(['db', 'migrate'], { env });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain(`Applied ${ids.length} migrations`);

    const current = await runCli(['db', 'current', '--json'], { env });
    expect(JSON.parse(current.stdout)).toMatchObject({ atHead: true, database: expect.stringContaining('embedded PGlite') });

    expect((await runCli(['db', 'rollback', '-s', '2'], { env })).code).toBe(0);
    const after = JSON.parse((await runCli(['db', 'current', '--json'], { env })).stdout);
    expect(after.current.map((c: { id: string }) => c.id)).toEqual([ids[ids.length - 3]]);
    expect((await runCli(['db', 'migrate'], { env })).code).toBe(0);
  });
});
