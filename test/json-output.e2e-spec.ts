import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, exampleRevisions } from './support/example-app';
import { runInProcess, testAppModule } from './support/in-process';

/** `--json` on every command: one document on stdout that parses, for results and for errors, with the usual exit codes. */
describe('--json on every command', () => {
  let db: TestDatabase;
  let cli: ReturnType<typeof cliFor>;
  const ids = exampleRevisions().map((r) => r.id);

  beforeAll(async () => {
    db = await createTestDatabase('json_output');
    cli = cliFor(db);
  });
  afterAll(() => db.drop());

  /** Runs a command with --json; stdout must be exactly one JSON document. */
  async function json(...args: string[]): Promise<{ code: number | null; body: any; stderr: string }> {
    const result = await cli(...args, '--json');
    return { code: result.code, body: JSON.parse(result.stdout), stderr: result.stderr };
  }

  const target = () => ({ database: expect.stringContaining(db.name), schema: 'public' });

  it('db migrate --sql, db migrate, db migrate again', async () => {
    const sql = await json('db', 'migrate', '--sql', '--to', ids[0]);
    expect(sql).toMatchObject({ code: 0, body: { setup: expect.any(Array), steps: [{ revision: ids[0], direction: 'up', statements: expect.any(Array) }] } });

    const migrated = await json('db', 'migrate');
    expect(migrated.code).toBe(0);
    expect(migrated.body).toEqual({
      ...target(),
      dryRun: false,
      steps: ids.map((id) => ({ revision: id, message: expect.any(String), direction: 'up', ms: expect.any(Number) })),
      totalMs: expect.any(Number),
      current: [ids[ids.length - 1]],
      atHead: true,
    });
    expect((await json('db', 'migrate')).body).toMatchObject({ steps: [], atHead: true });
  });

  it('db rollback, db rollback --dry-run', async () => {
    const dry = await json('db', 'rollback', '--dry-run');
    expect(dry.body).toMatchObject({ dryRun: true, steps: [{ revision: ids[2], direction: 'down' }], current: [ids[2]] });
    const reverted = await json('db', 'rollback');
    expect(reverted.body).toMatchObject({ ...target(), dryRun: false, steps: [{ revision: ids[2], direction: 'down' }], current: [ids[1]], atHead: false });
  });

  it('db stamp', async () => {
    const stamped = await json('db', 'stamp', 'head');
    expect(stamped.body).toEqual({ ...target(), revision: 'head', added: [ids[2]], removed: [], current: [ids[2]], atHead: true });
  });

  it('db history --log, db protect', async () => {
    const log = await json('db', 'history', '--log', '--limit', '2');
    expect(log.body).toEqual([
      { seq: expect.any(Number), at: expect.any(String), event: 'stamped', revision: ids[2], message: expect.any(String), by: expect.stringMatching(/:\d+$/), durationMs: null },
      { seq: expect.any(Number), at: expect.any(String), event: 'reverted', revision: ids[2], message: expect.any(String), by: expect.any(String), durationMs: expect.any(Number) },
    ]);
    expect((await json('db', 'protect')).body).toEqual({ database: target().database, protected: true });
    expect((await json('db', 'protect', '--remove')).body).toEqual({ database: target().database, protected: false });
  });

  it('db seed and db reset', async () => {
    const seeded = await json('db', 'seed');
    expect(seeded.body).toEqual({ ...target(), seeders: expect.arrayContaining([expect.objectContaining({ seeder: 'UsersSeeder', outcome: 'seeded' })]) });
    const reset = await json('db', 'reset', '-f', '--seed');
    expect(reset.code).toBe(0);
    expect(reset.body).toMatchObject({ ...target(), dropped: expect.any(Array), steps: expect.any(Array), seeders: expect.any(Array) });
    expect(reset.body.steps).toHaveLength(ids.length);
  });

  it.each([
    [['db', 'migrate', '--to', 'ffffffffffff'], 2, 'unknown_revision'],
    [['db', 'rollback', '-s', '9'], 2, 'not_enough_applied'],
    [['db', 'reset'], 2, 'refused'],
    [['db', 'stamp', 'a', 'b'], 2, 'usage'],
    [['db', 'nope'], 2, 'usage'],
  ])('an error under --json: %j prints an error object on stdout with the same exit code', async (args, exitCode, code) => {
    const result = await json(...args);
    expect(result.code).toBe(exitCode);
    expect(result.body).toEqual({ error: { code, message: expect.any(String), hint: expect.any(String), exitCode } });
    expect(result.stderr).toBe('');
  });

  describe('commands that write files: db migrate -m, db merge', () => {
    let dir: string;
    let app: ReturnType<typeof testAppModule>;
    let files: TestDatabase;

    beforeAll(async () => {
      files = await createTestDatabase('json_output_files');
      dir = mkdtempSync(join(tmpdir(), 'json-output-'));
      for (const [id, parents] of [['ba5e00000001', []], ['aaaa00000002', ['ba5e00000001']], ['bbbb00000003', ['ba5e00000001']]] as const) {
        const name = `M${id}1700000000000`;
        writeFileSync(join(dir, `20261101_0900_${id}_m.js`), `class ${name} { async up() {} async down() {} }\n${name}.revision = { id: '${id}', parents: ${JSON.stringify(parents)}, message: 'm ${id}' };\nexports.${name} = ${name};\n`);
      }
      app = testAppModule({ url: files.url, entities: [], migrationsDir: dir });
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await files.drop();
    });

    it('db merge --json', async () => {
      const merged = await runInProcess(app, ['db', 'merge', '-m', 'join', '--json']);
      expect(merged.code).toBe(0);
      expect(JSON.parse(merged.stdout)).toEqual({ id: expect.stringMatching(/^[0-9a-f]{12}$/), parents: ['aaaa00000002', 'bbbb00000003'], file: expect.stringContaining('_join.ts') });
    });

    it('db migrate -m --json: a blank migration', async () => {
      expect((await runInProcess(app, ['db', 'stamp', 'head'])).code).toBe(0);
      const generated = await runInProcess(app, ['db', 'migrate', '-m', 'data fix', '--empty', '--json']);
      expect(generated.code).toBe(0);
      expect(JSON.parse(generated.stdout)).toMatchObject({ file: expect.stringContaining('_data_fix.ts'), id: expect.stringMatching(/^[0-9a-f]{12}$/), statements: 0 });
    });
  });
});
