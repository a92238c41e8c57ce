import { mkdirSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { UsageError } from '../core/errors';
import { createPgliteDriver } from '../adapter/pglite-driver';
import { EntityRegistry } from './entity-registry';
import { isCliMode } from './run-mode';

export interface DatabaseOptionsInput {
  /** PostgreSQL URL; default `process.env.DATABASE_URL`. */
  url?: string;
  /**
   * Use the embedded PGlite database when there is no URL (development, demos). Default:
   * `process.env.DATABASE_EMBEDDED` (`true`/`1`), else off: with no URL and no embedded database the app refuses
   * to start, so a container that lost its `DATABASE_URL` never migrates a local file. Always refused under
   * `NODE_ENV=production`.
   */
  embedded?: boolean;
  /** Folder of the embedded database (git-ignore it). Default `.data/pglite`. */
  embeddedDataDir?: string;
  /** TypeORM data source name; its registered entities are used. Default `default`. */
  name?: string;
  /** Anything else to pass to TypeORM (logging, poolSize, ...). */
  overrides?: Partial<TypeOrmModuleOptions>;
}

/** Thrown for a DATABASE_URL that is not a PostgreSQL URL; never echoes the value, which may hold a password. */
export class InvalidDatabaseUrlError extends UsageError {
  override readonly code = 'invalid_database_url';
  constructor(reason: string, variable = 'DATABASE_URL') {
    super(
      `${variable} is not a valid PostgreSQL URL: ${reason}`,
      'Expected a URL like postgres://user@host:5432/database (a password may follow the user, after a colon; percent-encode @, : and / in it).',
    );
  }
}

/** No URL, and the embedded database was not asked for (or not allowed): the app refuses to start. */
export class NoDatabaseConfiguredError extends UsageError {
  override readonly code = 'no_database';
}

export const EMBEDDED_ENV = 'DATABASE_EMBEDDED';

/**
 * TypeORM options for PostgreSQL: through `pg` when a URL is given, else — only when asked for, and never
 * under `NODE_ENV=production` — an embedded PGlite database (Postgres compiled to WASM, in-process) so that
 * a fresh checkout runs with no server. Entities come from the registry. In CLI mode, a connection failure
 * is reported at once instead of being retried.
 */
export function createDatabaseOptions(input: DatabaseOptionsInput = {}): TypeOrmModuleOptions {
  const name = input.name ?? 'default';
  const url = input.url ?? process.env.DATABASE_URL;
  const common = {
    type: 'postgres' as const,
    entities: EntityRegistry.entities(name),
    synchronize: false,
    migrationsRun: false,
    retryAttempts: isCliMode() ? 0 : 9,
    retryDelay: 3000,
    ...(name === 'default' ? {} : { name }),
  };
  if (url !== undefined && url.trim() !== '') {
    validatePostgresUrl(url);
    return { ...common, url, ...input.overrides } as TypeOrmModuleOptions;
  }
  assertEmbeddedAllowed(input.embedded ?? envFlag(EMBEDDED_ENV));
  const dataDir = resolveDir(input.embeddedDataDir ?? process.env.PGLITE_DATA_DIR ?? '.data/pglite');
  mkdirSync(dataDir, { recursive: true });
  return {
    ...common,
    driver: createPgliteDriver({ dataDir }),
    extra: { embeddedDataDir: dataDir },
    ...input.overrides,
  } as TypeOrmModuleOptions;
}

/** Checks a PostgreSQL URL's form; the message names the variable or option it came from, never its value. */
export function validatePostgresUrl(url: string, variable = 'DATABASE_URL'): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidDatabaseUrlError('it cannot be parsed', variable);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidDatabaseUrlError(`the scheme is '${parsed.protocol.replace(/:$/, '')}', not postgres or postgresql`, variable);
  }
  if (!parsed.hostname) throw new InvalidDatabaseUrlError('it has no host', variable);
  if (parsed.port && !/^\d+$/.test(parsed.port)) throw new InvalidDatabaseUrlError('the port is not a number', variable);
  if (parsed.pathname.replace(/^\//, '') === '') throw new InvalidDatabaseUrlError('it names no database', variable);
}

/** Fail closed: the embedded database only when asked for, and never in production. */
function assertEmbeddedAllowed(embedded: boolean | undefined): void {
  const environment = process.env.NODE_ENV;
  if (environment === 'production') {
    throw new NoDatabaseConfiguredError(
      `No database configured: DATABASE_URL is not set and NODE_ENV=production${embedded ? ' (the embedded database is for development only)' : ''}`,
      'Set DATABASE_URL=postgres://user@host:5432/database for this environment.',
    );
  }
  if (!embedded) {
    throw new NoDatabaseConfiguredError(
      'No database configured: DATABASE_URL is not set',
      `Set DATABASE_URL=postgres://user@host:5432/database, or ${EMBEDDED_ENV}=true (\`embedded: true\`) for the embedded development database.`,
    );
  }
}

function envFlag(name: string): boolean | undefined {
  const value = process.env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (['true', '1'].includes(value)) return true;
  if (['false', '0'].includes(value)) return false;
  throw new UsageError(`${name} must be true or false, got '${process.env[name]}'`);
}

function resolveDir(dir: string): string {
  return isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
}
