import type { DataSource } from 'typeorm';
import { driverCode } from '../driver-errors';
import { quoteIdent } from '../sql-names';

/**
 * The statements on shadow databases, run through the app's data source (connected to the app's database).
 * PostgreSQL refuses to copy, rename or drop a database while someone is connected to it (55006), after
 * waiting up to 5 s itself for the other sessions to leave: a data source just destroyed, whose backend is on
 * its way out, is covered by that wait, so nothing here retries (each retry would wait 5 s more for a person
 * who keeps a client open on a template).
 */
const IN_USE = '55006';

/** `cloned`; `missing` (no such template); `busy` (someone stays connected to it); `denied` (42501). */
export type CloneResult = 'cloned' | 'missing' | 'busy' | 'denied';

export async function cloneDatabase(main: DataSource, template: string, name: string): Promise<CloneResult> {
  try {
    await main.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
    return 'cloned';
  } catch (error) {
    const code = driverCode(error);
    if (code === '3D000') return 'missing';
    if (code === IN_USE) return 'busy';
    if (code === '42501') return 'denied';
    throw error;
  }
}

export async function createDatabase(main: DataSource, name: string): Promise<void> {
  await main.query(`CREATE DATABASE ${quoteIdent(name)}`);
}

/**
 * Whether `name` exists and this role may read all of it: it owns it (and so the tables its replay created), or
 * is a superuser. Another role's template is `foreign`: information_schema would hide its tables from us, and a
 * diff on it would see an empty schema.
 */
export async function templateState(main: DataSource, name: string): Promise<'absent' | 'usable' | 'foreign'> {
  const rows: { usable: boolean }[] = await main.query(
    `SELECT pg_get_userbyid(d.datdba) = current_user OR r.rolsuper AS "usable"
       FROM pg_database d, pg_roles r WHERE d.datname = $1 AND r.rolname = current_user`,
    [name],
  );
  if (!rows.length) return 'absent';
  return rows[0].usable ? 'usable' : 'foreign';
}

export async function databaseExists(main: DataSource, name: string): Promise<boolean> {
  const rows: unknown[] = await main.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length > 0;
}

/** Names matching a `LIKE` pattern (with `\` as its escape). */
export async function databasesLike(main: DataSource, pattern: string): Promise<string[]> {
  const rows: { datname: string }[] = await main.query('SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname', [pattern]);
  return rows.map((row) => row.datname);
}

/**
 * Gives a finished template its final name, which makes it visible to other runs. `false` when that name is
 * already taken (another run built the same template first).
 */
export async function sealTemplate(main: DataSource, build: string, template: string): Promise<boolean> {
  try {
    await main.query(`ALTER DATABASE ${quoteIdent(build)} RENAME TO ${quoteIdent(template)}`);
    return true;
  } catch (error) {
    if (driverCode(error) === '42P04') return false;
    throw error;
  }
}

/** Drops a shadow database, disconnecting whoever is on it (PostgreSQL 13+), else waiting for them to leave. */
export async function dropDatabase(main: DataSource, name: string): Promise<void> {
  await main.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() =>
    main.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).catch(() => undefined),
  );
}

/** Drops an old template unless it is in use (then it stays for a later run to drop). */
export async function dropIfUnused(main: DataSource, name: string): Promise<boolean> {
  try {
    await main.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
    return true;
  } catch {
    return false;
  }
}
