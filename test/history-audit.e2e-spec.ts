import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, exampleRevisions, LEDGER } from './support/example-app';

/** `db history` as an audit: when each revision ran, by whom, how long, from which file; and every revert and stamp. */
describe('history you can audit', () => {
  let db: TestDatabase;
  let cli: ReturnType<typeof cliFor>;
  const ids = exampleRevisions().map((r) => r.id);
  const line = (stdout: string, id: string) => stdout.split('\n').find((text) => new RegExp(`-> ${id}\\b`).test(text)) ?? '';
  /** `2026-11-23 23:31:30Z`, as history prints a timestamptz. */
  const shown = (at: Date) => `${at.toISOString().slice(0, 19).replace('T', ' ')}Z`;

  beforeAll(async () => {
    db = await createTestDatabase('history_audit');
    cli = cliFor(db);
    expect((await cli('db', 'migrate')).code).toBe(0);
  });
  afterAll(() => db.drop());

  it('plain db history shows when each revision was applied, not when its file was written', async () => {
    const result = await cli('db', 'history');
    expect(result.code).toBe(0);
    const rows = await db.query<{ revision: string; applied_at: Date }>(`SELECT revision, applied_at FROM ${LEDGER}`);
    for (const row of rows) {
      expect(line(result.stdout, row.revision)).toContain(shown(row.applied_at));
    }
    expect(line(result.stdout, ids[0])).not.toContain('2026-11-20 09:15');
    expect(result.stdout).toMatch(/^3 revisions, 3 applied, 0 pending\.$/m);
  });

  it('--verbose adds who applied it, how long it took and its file', async () => {
    const result = await cli('db', 'history', '--verbose');
    const [row] = await db.query<{ applied_by: string; execution_ms: number }>(`SELECT applied_by, execution_ms FROM ${LEDGER} WHERE revision = $1`, [ids[1]]);
    expect(line(result.stdout, ids[1])).toMatch(new RegExp(`${row.applied_by.replace('.', '\\.')}\\s+${row.execution_ms} ms\\s+dist/migrations/\\S+_${ids[1]}_\\S+\\.js\\s+`));
    const json = JSON.parse((await cli('db', 'history', '--json')).stdout);
    expect(json[1]).toMatchObject({ id: ids[1], appliedBy: row.applied_by, durationMs: row.execution_ms, recordedBy: 'ledger', file: expect.stringContaining(ids[1]) });
  });

  it('-r FROM:TO and --limit, in text and JSON, and "1 revision"', async () => {
    const ranged = await cli('db', 'history', '-r', `${ids[0]}:${ids[1]}`);
    expect(ranged.stdout).toContain(`-> ${ids[1]}`);
    expect(ranged.stdout).toContain(`-> ${ids[0]}`);
    expect(ranged.stdout).not.toContain(`-> ${ids[2]}`);
    expect(ranged.stdout).toMatch(/^2 revisions, 2 applied, 0 pending\.$/m);
    const open = JSON.parse((await cli('db', 'history', '-r', `${ids[1].slice(0, 6)}:`, '--json')).stdout);
    expect(open.map((entry: { id: string }) => entry.id)).toEqual([ids[2], ids[1]]);
    const limited = await cli('db', 'history', '--limit', '1');
    expect(limited.stdout).toMatch(/^1 revision, 1 applied, 0 pending\.$/m);
    expect(JSON.parse((await cli('db', 'history', '--limit', '1', '--json')).stdout).map((entry: { id: string }) => entry.id)).toEqual([ids[2]]);
    const unknown = await cli('db', 'history', '-r', 'ffffff:');
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/Can't locate revision identified by 'ffffff'/) });
  });

  it('reverts and stamps leave a trace: db history --log lists them with who and when, newest first', async () => {
    expect((await cli('db', 'rollback')).code).toBe(0);
    expect((await cli('db', 'stamp', 'head')).code).toBe(0);
    const result = await cli('db', 'history', '--log');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+stamped\\s+${ids[2]}\\s+\\S+:\\d+\\s+Add orders table$`));
    expect(lines[1]).toMatch(new RegExp(`reverted\\s+${ids[2]}\\s+\\S+:\\d+\\s+\\d+ ms\\s+Add orders table$`));
    expect(lines.slice(2).every((text) => /\bapplied\b/.test(text))).toBe(true);
    expect(lines).toHaveLength(5);
    const ranged = JSON.parse((await cli('db', 'history', '--log', '-r', `${ids[2]}:`, '--json')).stdout);
    expect(ranged.map((event: { event: string }) => event.event)).toEqual(['stamped', 'reverted', 'applied']);
  });

  it('rows recorded by TypeORM\'s CLI say "applied by TypeORM", not a made-up date', async () => {
    const legacy = await createTestDatabase('history_audit_legacy');
    try {
      await legacy.query('CREATE TABLE "migrations" ("id" SERIAL PRIMARY KEY, "timestamp" bigint NOT NULL, "name" varchar NOT NULL)');
      await legacy.query(`INSERT INTO "migrations" ("timestamp", "name") VALUES (1795166100000, 'CreateUsersTable1795166100000')`);
      const run = cliFor(legacy);
      const result = await run('db', 'history');
      expect(line(result.stdout, ids[0])).toMatch(/applied\s+applied by TypeORM\s+Create users table$/);
      expect(JSON.parse((await run('db', 'history', '--json')).stdout)[2]).toMatchObject({ id: ids[0], applied: true, appliedAt: null, appliedBy: 'TypeORM', recordedBy: 'typeorm' });
    } finally {
      await legacy.drop();
    }
  });
});
