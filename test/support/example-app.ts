import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dumpCatalog, type CatalogSnapshot } from 'nest-migrations/testing';
import { REPO_ROOT, runCli, type CliResult, type RunCliOptions } from './cli';
import type { TestDatabase } from './database';

export const LEDGER = 'migrations_ledger';
/** The ledger and its audit log: what the module adds to a database besides the migrations' schema. */
export const LEDGER_TABLES = [LEDGER, `${LEDGER}_log`];

/** The example app's revisions, oldest first, read from the file names in migrations/. */
export function exampleRevisions(): { id: string; slug: string }[] {
  return readdirSync(join(REPO_ROOT, 'migrations'))
    .filter((name) => name.endsWith('.ts'))
    .sort()
    .map((name) => {
      const [, , id, ...slug] = name.replace(/\.ts$/, '').split('_');
      return { id, slug: slug.join('_') };
    });
}

/** Runs the example app's CLI against a test database, as a user would. */
export function cliFor(db: TestDatabase, extraEnv: Record<string, string> = {}, options: RunCliOptions = {}) {
  return (...args: string[]): Promise<CliResult> =>
    runCli(args, { ...options, env: { DATABASE_URL: db.url, ...extraEnv, ...options.env } });
}

export async function ledgerIds(db: TestDatabase): Promise<string[]> {
  if (!(await tableExists(db, LEDGER))) return [];
  const rows = await db.query<{ revision: string }>(`SELECT revision FROM ${LEDGER} ORDER BY seq`);
  return rows.map((row) => row.revision);
}

export async function tableExists(db: TestDatabase, table: string): Promise<boolean> {
  const rows = await db.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [`public.${table}`]);
  return rows[0].found;
}

/** Everything a failed command must leave untouched: the schema (ledger included) and the ledger's rows. */
export async function snapshot(db: TestDatabase): Promise<{ catalog: CatalogSnapshot; ledger: unknown[] }> {
  const catalog = await dumpCatalog(db.query);
  const ledger = (await tableExists(db, LEDGER))
    ? await db.query(`SELECT revision, kind, checksum, applied_at FROM ${LEDGER} ORDER BY seq`)
    : [];
  return { catalog, ledger };
}

/** A user-facing failure: a non-zero exit, a short message, no stack trace, no password. */
export function expectCleanFailure(result: CliResult, exitCode: number, message: RegExp, password?: string): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: exitCode, stderr: expect.stringMatching(message) });
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout + result.stderr).not.toMatch(/\[Nest\]|ExceptionHandler/);
  const lines = result.stderr.trim().split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  if (password) expect(result.stdout + result.stderr).not.toContain(password);
}
