/**
 * setupFiles of the projects `pg14` ... `pg18`: points this test file's database helpers at the project's
 * server (started by test/support/pg-major-setup.ts). Jest gives each test file its own process.env, so this
 * does not reach the files of other projects that run in the same worker.
 */
import { ADMIN_URL_ENV, SOURCE_ENV } from './database';

const major = Number((globalThis as { pgMajor?: unknown }).pgMajor);
const url = process.env[`TEST_ADMIN_DATABASE_URL_PG${major}`];
if (!url) {
  throw new Error(`No PostgreSQL ${major} server: the project's globalSetup (test/support/pg-major-setup.ts) did not run.`);
}
process.env[ADMIN_URL_ENV] = url;
process.env[SOURCE_ENV] = `pg${major}`;
