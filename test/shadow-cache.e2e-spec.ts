import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shadowStem } from '../libs/migrations/src/adapter/shadow/names';
import { cliEntry, cliEnv, REPO_ROOT, runCli, runCliConcurrently } from './support/cli';
import { Client } from 'pg';
import { createTestDatabase, shadowDatabases, withDatabase, type TestDatabase } from './support/database';
import { waitFor } from './support/wait';

/** The example app's compiled migrations (users, products, orders), copied to a folder a test may add to. */
function exampleHistory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shadow-cache-'));
  const compiled = join(REPO_ROOT, 'dist', 'migrations');
  for (const name of readdirSync(compiled).filter((n) => n.endsWith('.js'))) copyFileSync(join(compiled, name), join(dir, name));
  return dir;
}
const HEAD = 'b82d814bc902';

/** Adds a migration after `parent` whose `up` runs `sql`; returns its id. */
function addMigration(dir: string, id: string, parent: string, sql: string): string {
  const cls = `Step${id}1796547600000`;
  writeFileSync(
    join(dir, `20261206_0900_${id}_step.js`),
    `'use strict';
class ${cls} {
  async up(queryRunner) { await queryRunner.query(${JSON.stringify(sql)}); }
  async down() {}
}
${cls}.revision = { id: '${id}', parents: ['${parent}'], message: 'Step', createdAt: '2026-12-06T09:00:00.000Z' };
exports.${cls} = ${cls};
`,
  );
  return id;
}

interface CheckJson {
  shadow: 'server' | 'pglite';
  shadowCache: 'hit' | 'miss' | 'off';
  replayed: number;
}

/** `db check --json` on `db` with the migrations of `dir`. */
async function check(db: TestDatabase, dir: string, env: Record<string, string> = {}): Promise<CheckJson> {
  const result = await runCli(['db', 'check', '--json'], { env: { DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: dir, ...env } });
  expect({ code: result.code, error: result.stderr.match(/^error: .*$/m)?.[0] }).toEqual({ code: 0, error: undefined });
  return JSON.parse(result.stdout) as CheckJson;
}

const templates = async (db: TestDatabase) => (await shadowDatabases(db.name, db.adminUrl)).filter((name) => name.includes('_shadow_tpl_'));
const oidOf = async (db: TestDatabase, name: string) => (await db.query<{ oid: number }>('SELECT oid::int AS oid FROM pg_database WHERE datname = $1', [name]))[0]?.oid;

/**
 * Autogenerate's cached shadow: the history is replayed once into a template database, which each
 * `db migrate -m` / `db check` clones. What replayed is read from `db check --json` (`shadowCache`, `replayed`)
 * and from the server's catalog, never from timings.
 */
describe('shadow template cache', () => {
  let db: TestDatabase;
  let dir: string;

  beforeEach(async () => {
    db = await createTestDatabase('shadow_cache');
    dir = exampleHistory();
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('builds the template once, then diffs on it without replaying (hit), and leaves no other database behind', async () => {
    expect(await check(db, dir)).toMatchObject({ shadow: 'server', shadowCache: 'miss', replayed: 3 });
    const [template] = await templates(db);
    expect(template).toMatch(new RegExp(`^${shadowStem(db.name)}_shadow_tpl_[0-9a-f]{12}$`));
    const oid = await oidOf(db, template);

    expect(await check(db, dir)).toMatchObject({ shadow: 'server', shadowCache: 'hit', replayed: 0 });
    expect(await shadowDatabases(db.name, db.adminUrl)).toEqual([template]);
    expect(await oidOf(db, template)).toBe(oid); // the same database: not rebuilt
  });

  it('a new migration is a miss: the new template replays only it on a clone of the old one, which is dropped', async () => {
    await check(db, dir);
    const [old] = await templates(db);
    addMigration(dir, 'aaaa00000001', HEAD, 'SELECT 1');
    expect(await check(db, dir)).toMatchObject({ shadowCache: 'miss', replayed: 1 });
    const now = await templates(db);
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(old);
    expect(await check(db, dir)).toMatchObject({ shadowCache: 'hit', replayed: 0 });
  });

  it('an edited migration file changes the key: a miss', async () => {
    addMigration(dir, 'aaaa00000001', HEAD, 'SELECT 1');
    await check(db, dir);
    addMigration(dir, 'aaaa00000001', HEAD, 'SELECT 2');
    // No template holds a prefix of the new history any more (the 3-migration one was never built): all 4 replay.
    expect(await check(db, dir)).toMatchObject({ shadowCache: 'miss', replayed: 4 });
    expect(await templates(db)).toHaveLength(1);
  });

  it('two runs at once: one builds the template, the other waits and clones it', async () => {
    const results = await runCliConcurrently(2, ['db', 'check', '--json'], { env: { DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: dir } });
    for (const result of results) expect({ code: result.code, error: result.stderr.match(/^error: .*$/m)?.[0] }).toEqual({ code: 0, error: undefined });
    const reports = results.map((result) => JSON.parse(result.stdout) as CheckJson);
    expect(reports.map((report) => report.replayed).sort()).toEqual([0, 3]);
    expect(await shadowDatabases(db.name, db.adminUrl)).toEqual(await templates(db));
    expect(await templates(db)).toHaveLength(1);
  });

  it('a client connected to the template: runs still read it; a build that cannot clone it replays the whole history', async () => {
    await check(db, dir);
    const [template] = await templates(db);
    const client = new Client({ connectionString: withDatabase(db.adminUrl, template) });
    await client.connect();
    try {
      expect(await check(db, dir)).toMatchObject({ shadow: 'server', shadowCache: 'hit', replayed: 0 });
      // CREATE DATABASE ... TEMPLATE is refused while someone stays connected (after PostgreSQL's own wait): no prefix.
      addMigration(dir, 'aaaa00000001', HEAD, 'SELECT 1');
      expect(await check(db, dir)).toMatchObject({ shadowCache: 'miss', replayed: 4 });
      expect(await templates(db)).toContain(template); // in use, so not dropped
    } finally {
      await client.end();
    }
    addMigration(dir, 'aaaa00000002', 'aaaa00000001', 'SELECT 2');
    expect(await check(db, dir)).toMatchObject({ shadowCache: 'miss', replayed: 1 });
    expect(await templates(db)).toHaveLength(1); // the next build dropped both older ones
  });

  it('MIGRATIONS_SHADOW_CACHE=false replays on a fresh shadow and creates no template', async () => {
    expect(await check(db, dir, { MIGRATIONS_SHADOW_CACHE: 'false' })).toMatchObject({ shadow: 'server', shadowCache: 'off', replayed: 3 });
    expect(await shadowDatabases(db.name, db.adminUrl)).toEqual([]);
  });

  it('db reset -f drops the cached template', async () => {
    await check(db, dir);
    expect(await templates(db)).toHaveLength(1);
    const reset = await runCli(['db', 'reset', '-f'], { env: { DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: dir } });
    expect(reset.code).toBe(0);
    expect(await templates(db)).toEqual([]);
  });

  describe('a generate interrupted while its shadow exists leaves no database behind', () => {
    const SLEEP = 'SELECT pg_sleep(600)';

    /**
     * Stamps head, starts `db <args> --verbose` in a child process and resolves once it reports the shadow
     * database it builds (`building`), which the slow migration then keeps busy.
     */
    async function startBuilding(args: string[], env: Record<string, string> = {}) {
      const stamp = await runCli(['db', 'stamp', 'head'], { env: { DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: dir, MIGRATIONS_DIR: dir } });
      expect(stamp.code).toBe(0);
      const child = spawn(process.execPath, [cliEntry(), 'db', ...args, '--verbose'], {
        cwd: REPO_ROOT,
        env: cliEnv({ DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: dir, MIGRATIONS_DIR: dir, ...env }),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig })));
      await waitFor(() => /Shadow: building /.test(stderr), 'the shadow event (building)');
      const building = /Shadow: building (?:template \S+ in )?(\S+?)[ ,]/.exec(stderr)?.[1] as string;
      return { child, exited, building, stderr: () => stderr };
    }

    /** Starts `db migrate -m` (at head, stamped) and sends `signal` once the slow migration runs on the shadow. */
    async function interrupted(signal: NodeJS.Signals, env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
      const run = await startBuilding(['migrate', '-m', 'interrupted'], env);
      const sleeping = async () =>
        (await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query = $2 AND state = 'active'`, [run.building, SLEEP])).length === 1;
      await waitFor(sleeping, 'the slow migration to run on the shadow');
      run.child.kill(signal);
      return { ...(await run.exited), stderr: run.stderr() };
    }

    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      it(`${signal} while the template is built (from the cached one): the build is dropped, the old template kept`, async () => {
        await check(db, dir);
        const [old] = await templates(db);
        addMigration(dir, 'aaaa00000002', HEAD, SLEEP);
        const result = await interrupted(signal);
        expect(result.stderr).toMatch(new RegExp(`from ${old}`));
        expect(result.signal).toBe(signal);
        expect(await shadowDatabases(db.name, db.adminUrl)).toEqual([old]);
        expect(readdirSync(dir).filter((name) => name.includes('interrupted'))).toEqual([]);
      });

      it(`${signal} while an uncached shadow replays: the shadow is dropped`, async () => {
        addMigration(dir, 'aaaa00000002', HEAD, SLEEP);
        const result = await interrupted(signal, { MIGRATIONS_SHADOW_CACHE: '0' });
        expect(result.signal).toBe(signal);
        expect(await shadowDatabases(db.name, db.adminUrl)).toEqual([]);
      });
    }

    it('SIGKILL leaves the build behind (nothing can run); the next run finds nobody holds its claim and drops it', async () => {
      await check(db, dir);
      const [old] = await templates(db);
      addMigration(dir, 'aaaa00000002', HEAD, SLEEP);
      const result = await interrupted('SIGKILL');
      expect(result.signal).toBe('SIGKILL');
      const left = (await shadowDatabases(db.name, db.adminUrl)).filter((name) => name !== old);
      expect(left).toEqual([expect.stringMatching(/_shadow_bld_[0-9a-f]{8}$/)]);

      rmSync(join(dir, '20261206_0900_aaaa00000002_step.js'));
      expect(await check(db, dir)).toMatchObject({ shadowCache: 'hit', replayed: 0 });
      expect(await shadowDatabases(db.name, db.adminUrl)).toEqual([old]);
    });

    it("a live run's shadow is not swept by another run", async () => {
      addMigration(dir, 'aaaa00000002', HEAD, SLEEP);
      const run = await startBuilding(['check'], { MIGRATIONS_SHADOW_CACHE: '0' });
      try {
        // Another run on the same database (without the slow migration, so it ends) sweeps before its own shadow.
        const other = exampleHistory();
        try {
          expect(await check(db, other, { MIGRATIONS_SHADOW_CACHE: '0' })).toMatchObject({ shadowCache: 'off' });
        } finally {
          rmSync(other, { recursive: true, force: true });
        }
        expect(await shadowDatabases(db.name, db.adminUrl)).toContain(run.building);
      } finally {
        run.child.kill('SIGTERM');
        await run.exited;
      }
      expect(await shadowDatabases(db.name, db.adminUrl)).toEqual([]);
    });
  });
});
