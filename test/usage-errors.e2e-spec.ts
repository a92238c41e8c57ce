import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, exampleRevisions, expectCleanFailure, snapshot } from './support/example-app';

/** Usage errors: exit 2 and one line (plus a hint), everywhere; extra arguments refused; help that names the real command. */
describe('usage errors', () => {
  let db: TestDatabase;
  let cli: ReturnType<typeof cliFor>;
  const ids = exampleRevisions().map((r) => r.id);

  beforeAll(async () => {
    db = await createTestDatabase('usage_errors');
    cli = cliFor(db);
    expect((await cli('db', 'migrate', '--to', ids[0])).code).toBe(0);
  });
  afterAll(() => db.drop());

  it.each([
    [['bogus'], /^error: unknown command 'bogus'$/m, /^hint: See `node dist\/main\.js --help`\.$/m],
    [['--bogus'], /^error: unknown option '--bogus'$/m, /^hint: See `node dist\/main\.js --help`\.$/m],
    [['migrate'], /^error: unknown command 'migrate'$/m, /^hint: Did you mean `node dist\/main\.js db migrate`\?/m],
    [['db', 'migrat'], /^error: Unknown command 'db migrat'$/m, /^hint: Did you mean `db migrate`\?/m],
    [['db', 'histroy'], /^error: Unknown command 'db histroy'$/m, /^hint: Did you mean `db history`\?/m],
    [['db', 'current', '--jsn'], /^error: unknown option '--jsn'$/m, /^hint: Did you mean --json\? See `node dist\/main\.js db current --help`\.$/m],
    [['db', 'migrate', '--dry-rn'], /^error: unknown option '--dry-rn'$/m, /^hint: Did you mean --dry-run\?/m],
    [['db', 'stamp', 'head', 'extra'], /^error: too many arguments for 'stamp'\. Expected 1 argument but got 2\.$/m, /^hint: See `node dist\/main\.js db stamp --help`\.$/m],
    [['db', 'heads', 'bogus'], /^error: too many arguments for 'heads'\. Expected 0 arguments but got 1\.$/m, /hint: See/],
    [['db', 'rollback', '3'], /^error: too many arguments for 'rollback'/m, /hint: See/],
    [['db', 'rollback', '-s', 'x'], /^error: option '-s, --steps <n>' argument 'x' is invalid\. Steps must be a positive whole number, got 'x'\.$/m, /hint: See/],
    [['db', 'history', '--limit', '0'], /Limit must be a positive whole number, got '0'/, /hint: See/],
  ])('%j exits 2 with one line and a hint, and changes nothing', async (args, message, hint) => {
    const before = await snapshot(db);
    const result = await cli(...args);
    expectCleanFailure(result, 2, message);
    expect(result.stderr).toMatch(hint);
    expect(result.stdout).toBe('');
    expect(await snapshot(db)).toEqual(before);
  });

  it('db stamp A B no longer stamps A', async () => {
    const result = await cli('db', 'stamp', ids[2], ids[1]);
    expect(result.code).toBe(2);
    const current = JSON.parse((await cli('db', 'current', '--json')).stdout);
    expect(current.current.map((rev: { id: string }) => rev.id)).toEqual([ids[0]]);
  });

  it('help names the real command and lists the global options, at every level', async () => {
    for (const args of [['--help'], ['db', '--help'], ['db', 'migrate', '--help'], ['db', 'history', '-h']]) {
      const help = await cli(...args);
      expect(help.code).toBe(0);
      const command = args.filter((arg) => !arg.startsWith('-')).join(' ');
      expect(help.stdout).toMatch(new RegExp(`^Usage: node dist/main\\.js${command ? ` ${command}` : ''} \\[options\\]`, 'm'));
      expect(help.stdout).toMatch(/^ {2}--json +print the result \(or the error\) as JSON on/m);
      expect(help.stdout).toMatch(/^ {2}--verbose +show stack traces/m);
      expect(help.stdout).not.toMatch(/Usage: main /);
    }
  });

  it('global options work before the command too', async () => {
    const result = await cli('--json', 'db', 'heads');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ id: ids[ids.length - 1], message: expect.any(String) }]);
  });
});
