import { createTestDatabase, type TestDatabase } from './support/database';

/**
 * Runs in the projects pg14 ... pg18 only (jest.config.js): the databases their suites create are on a server
 * of the project's major, not on the machine's server that the e2e project uses.
 */
const major = Number((globalThis as { pgMajor?: unknown }).pgMajor);

describe(`the pg${major} project's server`, () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase('server_major')));
  afterAll(() => db?.drop());

  it(`is PostgreSQL ${major}`, async () => {
    const [{ num }] = await db.query<{ num: string }>("SELECT current_setting('server_version_num') AS num");
    expect(Math.floor(Number(num) / 10_000)).toBe(major);
  });
});
