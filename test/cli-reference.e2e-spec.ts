import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { runInProcess, testAppModule } from './support/in-process';

const GLOBAL = ['--json', '--verbose'];

/** The CLI reference in docs/guide.md lists every command and every option the CLI has. */
describe('CLI reference', () => {
  let db: TestDatabase;
  let app: ReturnType<typeof testAppModule>;
  const guide = readFileSync(join(REPO_ROOT, 'docs', 'guide.md'), 'utf8');
  const reference = guide.slice(guide.indexOf('## CLI reference'));
  const rows = reference.split('\n').filter((line) => line.startsWith('| `db '));

  beforeAll(async () => {
    db = await createTestDatabase('cli_reference');
    app = testAppModule({ url: db.url, entities: [], migrationsDir: join(REPO_ROOT, 'test', 'fixtures', 'ambiguous') });
  });
  afterAll(() => db.drop());

  async function commands(): Promise<string[]> {
    const help = await runInProcess(app, ['db', '--help']);
    expect(help.code).toBe(0);
    const section = help.stdout.slice(help.stdout.indexOf('Commands:'));
    return [...section.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]).filter((name) => name !== 'help');
  }

  it('has a row for every command', async () => {
    const names = await commands();
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const name of names) {
      expect(rows.some((row) => row.startsWith(`| \`db ${name}`))).toBe(true);
    }
  });

  it('names the global options, which every command lists in its help', async () => {
    const line = reference.slice(reference.indexOf('Every command also accepts')).split('\n\n')[0];
    for (const name of ['', ...(await commands())]) {
      const help = await runInProcess(app, ['db', ...(name ? [name] : []), '--help']);
      for (const flag of GLOBAL) {
        expect({ command: name, flag, listed: help.stdout.includes(`  ${flag}`) }).toEqual({ command: name, flag, listed: true });
        expect(line).toContain(`\`${flag}\``);
      }
    }
  });

  it('names every option of every command', async () => {
    for (const name of await commands()) {
      const help = await runInProcess(app, ['db', name, '--help']);
      expect(help.code).toBe(0);
      const flags = [...help.stdout.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]).filter((flag) => flag !== '--help' && !GLOBAL.includes(flag));
      const documented = rows.filter((row) => row.startsWith(`| \`db ${name}`)).join(' ');
      for (const flag of flags) {
        expect({ command: name, flag, documented: documented.includes(flag) }).toEqual({ command: name, flag, documented: true });
      }
    }
  });

  it('documents no command that does not exist', async () => {
    const names = new Set(await commands());
    for (const row of rows) {
      const name = /^\| `db (\w+)/.exec(row)?.[1] as string;
      expect(names.has(name)).toBe(true);
    }
  });
});
