import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';

/**
 * `nest-migrations bundle` (run by the example app's build) makes dist/main.js serve the framework packages
 * from one cached bundle in CLI mode. It must be used when fresh, and step aside — the app loading as it always
 * did — when stale, switched off, or not a command.
 */
describe('fast CLI start', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase('fast_start')));
  afterAll(async () => db.drop());

  it('serves the framework packages from the bundle when it is fresh', async () => {
    expect(readFileSync(join(REPO_ROOT, 'dist', 'main.js'), 'utf8')).toMatch(/^require\('nest-migrations\/fast-start'\)\.activate\(__dirname\);/);
    const result = await runCli(['db', 'current', '--verbose'], { env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^fast start: \d+ packages from .*cli-bundle\.js$/m);
    expect(result.stdout).toContain('3 pending migrations');
  });

  it('is off with NEST_MIGRATIONS_FAST_START=off, with the same output', async () => {
    const result = await runCli(['db', 'current', '--verbose'], { env: { DATABASE_URL: db.url, NEST_MIGRATIONS_FAST_START: 'off' } });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('fast start');
    expect(result.stdout).toContain('3 pending migrations');
  });

  describe('a stale bundle', () => {
    // A copy of dist/ one folder deeper: its stamps (relative paths to the bundled packages) no longer match.
    const copy = join(REPO_ROOT, 'test', '.fast-start-copy');
    const runCopy = (args: string[]) => {
      process.env.TEST_CLI_ENTRY = join(copy, 'dist', 'main.js');
      try {
        return runCli(args, { env: { DATABASE_URL: db.url } });
      } finally {
        delete process.env.TEST_CLI_ENTRY;
      }
    };
    beforeAll(() => cpSync(join(REPO_ROOT, 'dist'), join(copy, 'dist'), { recursive: true }));
    afterAll(() => rmSync(copy, { recursive: true, force: true }));

    it('is not used, says why under --verbose, and the command works as without it', async () => {
      const result = await runCopy(['db', 'current', '--verbose']);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/^fast start: not used, the bundle is stale \(.* is gone\): run `nest-migrations bundle` again$/m);
      expect(result.stdout).toContain('3 pending migrations');
    });

    it('is stale when a linked package (this workspace’s nest-migrations) was rebuilt since', async () => {
      // A copy beside dist/ resolves the same files; its manifest remembers one library file as older.
      const sibling = join(REPO_ROOT, '.fast-start-linked');
      cpSync(join(REPO_ROOT, 'dist'), sibling, { recursive: true });
      try {
        const manifest = join(sibling, '.nest-migrations', 'cli-bundle.json');
        const content = JSON.parse(readFileSync(manifest, 'utf8')) as { stamps: { file: string; mtimeMs: number }[] };
        const linked = content.stamps.find((stamp) => stamp.file.includes('libs/migrations/dist/'));
        expect(linked).toBeDefined();
        linked!.mtimeMs -= 1000;
        writeFileSync(manifest, JSON.stringify(content));
        process.env.TEST_CLI_ENTRY = join(sibling, 'main.js');
        const result = await runCli(['db', 'current', '--verbose'], { env: { DATABASE_URL: db.url } });
        expect(result.code).toBe(0);
        expect(result.stderr).toContain(`fast start: not used, the bundle is stale (${linked!.file} changed since)`);
        expect(result.stdout).toContain('3 pending migrations');
      } finally {
        delete process.env.TEST_CLI_ENTRY;
        rmSync(sibling, { recursive: true, force: true });
      }
    });

    it('built for another Node version is not used', async () => {
      const manifest = join(copy, 'dist', '.nest-migrations', 'cli-bundle.json');
      writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), node: 'v0.0.1' }));
      const result = await runCopy(['db', 'current', '--verbose']);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('fast start: not used, the bundle is stale (it was built for Node v0.0.1)');
    });
  });
});
