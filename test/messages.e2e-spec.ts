import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, exampleRevisions, expectCleanFailure, ledgerIds } from './support/example-app';

/** Messages that used to send people the wrong way, or say small untruths. */
describe('messages', () => {
  let db: TestDatabase;
  let scratch: string;
  const ids = exampleRevisions().map((r) => r.id);

  beforeAll(async () => {
    db = await createTestDatabase('messages');
    scratch = mkdtempSync(join(tmpdir(), 'messages-'));
    expect((await cliFor(db)('db', 'migrate')).code).toBe(0);
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await db.drop();
  });

  describe('the migrations folder is named when it is missing, empty or not a folder', () => {
    it('missing, with applied revisions: refused, naming the folder, not "migrated by newer code"', async () => {
      const run = cliFor(db, { MIGRATIONS_DIR: 'no-such-folder' });
      const migrate = await run('db', 'migrate');
      expectCleanFailure(migrate, 2, /^error: No migration files were found \(no-such-folder\/ does not exist\), but the database has 3 applied revision\(s\)$/m);
      expect(migrate.stderr).not.toMatch(/newer code/);
      for (const args of [['rollback'], ['stamp', 'head']]) {
        expectCleanFailure(await run('db', ...args), 2, /no-such-folder\/ does not exist/);
      }
      expect(await ledgerIds(db)).toEqual(ids);
      const current = await run('db', 'current');
      expect(current.stdout).toMatch(/^No migration files were found \(no-such-folder\/ does not exist\)/m);
    });

    it('empty, on a fresh database: "no migrations" says where it looked', async () => {
      const fresh = await createTestDatabase('messages_empty');
      try {
        const empty = join(scratch, 'empty');
        cpSync(join(REPO_ROOT, 'migrations'), empty, { recursive: true, filter: (path) => !path.endsWith('.ts') });
        const run = cliFor(fresh, { MIGRATIONS_DIR: empty });
        expect((await run('db', 'current')).stdout).toContain(`No migrations yet: ${empty}/ has no migration files.`);
        expect((await run('db', 'migrate')).stdout).toContain(`Nothing to apply: there are no migrations (${empty}/ has no migration files).`);
        expect((await run('db', 'history')).stdout).toContain(`No migrations yet (${empty}/ has no migration files)`);
      } finally {
        await fresh.drop();
      }
    });

    it('not a folder: refused with exit 2, naming the option', async () => {
      expectCleanFailure(await cliFor(db, { MIGRATIONS_DIR: 'README.md' })('db', 'current'), 2, /^error: migrationsDir 'README\.md' is not a folder$/m);
      expectCleanFailure(await cliFor(db, { MIGRATIONS_COMPILED_DIR: 'no-such-build' })('db', 'current'), 2, /^error: compiledMigrationsDir 'no-such-build' does not exist$/m);
    });
  });

  it('db stamp head after an applied migration\'s file was deleted: "1 unmarked", as many as rows removed', async () => {
    const compiled = join(scratch, 'compiled');
    cpSync(join(REPO_ROOT, 'dist', 'migrations'), compiled, { recursive: true });
    const last = readdirSync(compiled).find((name) => name.includes(ids[2]) && name.endsWith('.js')) as string;
    rmSync(join(compiled, last));
    const run = cliFor(db, { MIGRATIONS_COMPILED_DIR: compiled });
    const stamped = await run('db', 'stamp', 'head');
    expect(stamped.code).toBe(0);
    expect(stamped.stdout).toMatch(new RegExp(`^Stamped ${ids[1]} \\(head\\): 1 unmarked\\. No migration was run\\.$`, 'm'));
    expect(await ledgerIds(db)).toEqual(ids.slice(0, 2));
    expect((await cliFor(db)('db', 'stamp', 'head', '--json')).stdout).toMatch(/"added": \[\s*"b82d814bc902"\s*\],\s*"removed": \[\]/);
  });

  it('a generated migration outside what the build compiles says so, instead of "run npm run build"', async () => {
    const fresh = await createTestDatabase('messages_build');
    try {
      const sources = join(scratch, 'sources');
      const compiled = join(scratch, 'sources-compiled');
      cpSync(join(REPO_ROOT, 'migrations'), sources, { recursive: true });
      cpSync(join(REPO_ROOT, 'dist', 'migrations'), compiled, { recursive: true });
      writeFileSync(join(compiled, '.keep'), '');
      const run = cliFor(fresh, { MIGRATIONS_DIR: sources, MIGRATIONS_COMPILED_DIR: compiled });
      expect((await run('db', 'migrate')).code).toBe(0);
      const generated = await run('db', 'migrate', '-m', 'Backfill', '--empty');
      expect(generated.code).toBe(0);
      expect(generated.stdout).toContain(`The build (tsconfig.build.json) does not compile ${sources}/: add it to its "include"`);
      expect(generated.stdout).not.toContain('npm run build');
    } finally {
      await fresh.drop();
    }
  });
});
