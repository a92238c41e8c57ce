import { runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { expectCleanFailure } from './support/example-app';

/** A password with any character never leaks, not even in part: URLs are parsed, then printed without it. */
describe('secrets', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase('secrets')));
  afterAll(() => db.drop());

  // The test server trusts local connections, so any password works and the URL is really used.
  const password = 'pw@with:colon';
  const withPassword = (url: string) => url.replace('postgres@', `postgres:${password}@`);
  const parts = ['pw@', 'with', 'colon', '%40'];

  it('db migrate names the database with the password masked, however it is written', async () => {
    const result = await runCli(['db', 'migrate'], { env: { DATABASE_URL: withPassword(db.url) } });
    expect(result.code).toBe(0);
    const { host } = new URL(db.url);
    expect(result.stdout.split('\n')[0]).toBe(`Migrating postgres://postgres:***@${host}/${db.name} (schema public)`);
    for (const part of parts) expect(result.stdout + result.stderr).not.toContain(part);
    const current = await runCli(['db', 'current', '--json'], { env: { DATABASE_URL: withPassword(db.url) } });
    expect(JSON.parse(current.stdout).database).toBe(`postgres://postgres:***@${host}/${db.name}`);
  });

  it('a connection failure does not print it either, in text, JSON or with --verbose', async () => {
    const url = withPassword(db.url).replace(/:\d+\//, ':1/');
    for (const args of [['db', 'current'], ['db', 'current', '--json'], ['db', 'current', '--verbose']]) {
      const result = await runCli(args, { env: { DATABASE_URL: url } });
      expect(result.code).toBe(1);
      for (const part of parts) expect(result.stdout + result.stderr).not.toContain(part);
    }
    expectCleanFailure(await runCli(['db', 'current'], { env: { DATABASE_URL: url } }), 1, /connection refused/);
  });
});
