import { runCli } from './support/cli';
import { createTestDatabase, shadowDatabases, type TestDatabase } from './support/database';

/**
 * Autogenerate and db check never diff against the developer's database: when the role may not create a
 * temporary database, the shadow is an in-memory PGlite. (Spawned: PGlite's WASM loader needs Node's own
 * module system, which Jest's does not provide.)
 */
describe('shadow database fallback', () => {
  let db: TestDatabase;
  let role: string;

  beforeAll(async () => {
    db = await createTestDatabase('shadow_fallback');
    role = `nocreatedb_${db.name.slice(-8)}`;
    await db.query(`CREATE ROLE ${role} LOGIN NOCREATEDB`);
  });
  afterAll(async () => {
    await db.query(`DROP ROLE IF EXISTS ${role}`);
    await db.drop();
  });

  it('replays the migrations on an in-memory PGlite when CREATE DATABASE is refused', async () => {
    const url = new URL(db.url);
    url.username = role;
    url.password = '';
    const result = await runCli(['db', 'check', '--json'], { env: { DATABASE_URL: url.toString() } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ inSync: true, differences: [], unregistered: [], shadow: 'pglite', shadowCache: 'off', replayed: 3 });
    expect(await shadowDatabases(db.name, db.adminUrl)).toEqual([]);
    // No cache on PGlite: a second run replays again, and works the same.
    const again = await runCli(['db', 'check', '--json'], { env: { DATABASE_URL: url.toString() } });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ inSync: true, shadow: 'pglite', shadowCache: 'off', replayed: 3 });
  });

  it('uses a temporary database on the server when the role may create one, and leaves none behind but the cached template', async () => {
    // Shadows are named after their database (other test files create their own at the same time).
    expect(await shadowDatabases(db.name, db.adminUrl)).toEqual([]);
    const result = await runCli(['db', 'check', '--json'], { env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ inSync: true, shadow: 'server' });
    expect(await shadowDatabases(db.name, db.adminUrl)).toEqual([expect.stringMatching(/_shadow_tpl_[0-9a-f]{12}$/)]);
  });

  it("a role that may not create databases does not read another role's template (its tables would be hidden): PGlite", async () => {
    const url = new URL(db.url);
    url.username = role;
    url.password = '';
    const result = await runCli(['db', 'check', '--json'], { env: { DATABASE_URL: url.toString() } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ inSync: true, shadow: 'pglite', shadowCache: 'off', replayed: 3 });
  });
});
