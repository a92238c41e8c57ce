/**
 * globalTeardown of the projects `pg14` ... `pg18` (one path, so Jest calls it once): stops every server that
 * test/support/pg-major-setup.ts started in this run and deletes its files.
 */
import { majorUrlEnv } from './pg-major-setup';

export default async function pgMajorTeardown(): Promise<void> {
  const servers = globalThis.__TEST_PG_MAJORS__;
  if (!servers) return;
  globalThis.__TEST_PG_MAJORS__ = undefined;
  await Promise.all(
    [...servers].map(async ([major, server]) => {
      delete process.env[majorUrlEnv(major)];
      await server.stop();
    }),
  );
}
