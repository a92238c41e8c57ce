/**
 * Global setup of the projects `pg14`, `pg16`, `pg17`, `pg18` (jest.config.js): starts a throw-away server
 * of the project's major and hands its admin URL to the workers in
 * `TEST_ADMIN_DATABASE_URL_PG<major>`. Workers are shared by every project and inherit one process.env, so
 * the URL cannot go in TEST_ADMIN_DATABASE_URL itself (the `e2e` project's server is there): the project's
 * setupFiles (test/support/pg-major-env.ts) copy it there, in each test file's own process.env.
 *
 * Jest runs a globalSetup *path* once per run, with the first project that names it, so each project has a
 * file of its own (test/support/pg-majors/pg<major>.setup.ts) that calls `pgMajorSetup(<major>)`. The one
 * globalTeardown (test/support/pg-major-teardown.ts) stops every server started here.
 */
import { randomBytes } from 'node:crypto';
import { RUN_ID_ENV } from './database';
import { CLI_ENTRY_CANDIDATES, findCliEntry } from './cli';
import { startPgMajorServer, type PgMajorServer } from './pg-major-server';

declare global {
  // eslint-disable-next-line no-var
  var __TEST_PG_MAJORS__: Map<number, PgMajorServer> | undefined;
}

export const majorUrlEnv = (major: number) => `TEST_ADMIN_DATABASE_URL_PG${major}`;

const say = (msg: string) => process.stderr.write(`[test-db] ${msg}\n`);

export async function pgMajorSetup(major: number): Promise<void> {
  const servers = (globalThis.__TEST_PG_MAJORS__ ??= new Map());
  if (servers.has(major)) return;
  if (!findCliEntry()) {
    throw new Error(
      `e2e tests spawn the built CLI, but none of ${CLI_ENTRY_CANDIDATES.join(', ')} exists: run \`npm run build\` first.`,
    );
  }
  const started = Date.now();
  const server = await startPgMajorServer(major);
  servers.set(major, server);
  process.env[majorUrlEnv(major)] = server.url;
  process.env[RUN_ID_ENV] ??= randomBytes(3).toString('hex');
  say(
    `started PostgreSQL ${server.version} (${server.binaries.package}@${server.binaries.version}) on 127.0.0.1:${server.port} ` +
      `in ${Date.now() - started} ms (initdb ${server.timings.initdbMs} ms, start ${server.timings.startMs} ms)`,
  );
}
