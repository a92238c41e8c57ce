import { runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';

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
    expect(JSON.parse(result.stdout)).toMatchObject({ inSync: true, differences: [], unregistered: [], shadow: 'pglite' });
  });

  it('uses a temporary database on the server when the role may create one, and leaves none behind', async () => {
    // Shadows are named after their database; other test files create their own at the same time.
    const ours = `${db.name.slice(0, 40)}_shadow_%`;
    const before = await db.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE $1`, [ours]);
    const result = await runCli(['db', 'check', '--json'], { env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ inSync: true, shadow: 'server' });
    expect(before).toEqual([{ n: 0 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE $1`, [ours])).toEqual(before);
  });
});
