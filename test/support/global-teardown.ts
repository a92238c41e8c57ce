/**
 * Jest globalTeardown of the projects on PostgreSQL ("e2e", "typeorm-0.3"):
 * drops any database this run created and left behind (names carry the run
 * id), then stops the embedded server if the setup started one. The first
 * project's call does it; the others find nothing left to do.
 */
import { dropDatabase, runDatabasePattern, withClient } from './database';
import type { TestPgState } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const state: TestPgState | undefined = globalThis.__TEST_PG__;
  if (!state) return;
  globalThis.__TEST_PG__ = undefined;
  try {
    if (state.embedded) {
      await state.embedded.stop(); // the whole cluster goes away
      return;
    }
    const pattern = runDatabasePattern(state.runId);
    const names = await withClient(state.adminUrl, async (c) =>
      (
        await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
          `%\\_${state.runId}\\_%`,
        ])
      ).rows.map((r) => r.datname),
    );
    const leftovers = names.filter((n) => pattern.test(n));
    if (leftovers.length) {
      process.stderr.write(`[test-db] dropping ${leftovers.length} database(s) left by tests: ${leftovers.join(', ')}\n`);
    }
    for (const name of leftovers) await dropDatabase(name, state.adminUrl);
  } catch (err) {
    process.stderr.write(`[test-db] teardown: ${err instanceof Error ? err.message : String(err)}\n`);
    throw err;
  }
}
