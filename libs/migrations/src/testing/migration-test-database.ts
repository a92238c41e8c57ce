import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { quoteIdent, quoteLiteral } from '../adapter/sql-names';
import { AdminConnection, checkPrefix, databaseUrl, uniqueDatabaseName } from './admin';
import { checkSource, compileApp, envName, moduleKey, type AppModuleSource, type AppUnderTest } from './app-under-test';

/** Options of {@link createMigrationTestDatabase}. */
export interface MigrationTestDatabaseOptions extends AppModuleSource {
  /**
   * A PostgreSQL URL of a role that may `CREATE DATABASE`, on the server the test databases live on. Its
   * database is only used to issue `CREATE`/`DROP DATABASE` (when it does not exist, `postgres` is used).
   * Default: `TEST_DATABASE_URL`, else `DATABASE_URL`.
   */
  adminUrl?: string;
  /**
   * Start of the database names: test databases are `<prefix>_<pid>_<random>`, templates
   * `<prefix>_tpl_<hash>`. Lower case, at most 42 characters. Default: `test`.
   */
  prefix?: string;
  /** Name of the new database, instead of a generated one. */
  name?: string;
  /**
   * Revision the database is migrated to: `heads` (every head, the default), `head`, an id, or `base` for an
   * empty database (no template, no migration).
   */
  to?: string;
  /**
   * Clone a template database migrated once (default), or migrate every new database from scratch
   * (`false`: slower, for comparison or when the role may not read templates).
   */
  template?: boolean;
  /** How long to wait for another process that is building the same template, in ms. Default: 120000. */
  lockWaitMs?: number;
}

/** A database of its own for a test file, migrated to `to`. */
export interface MigrationTestDatabase {
  readonly name: string;
  /** Its connection URL: the admin URL with the database replaced. */
  readonly url: string;
  /** The URL the kit creates and drops databases with. */
  readonly adminUrl: string;
  /**
   * The template it was cloned from; `built` when this call migrated and created it (the first call of a run,
   * or after the migrations changed). `null` without a template (`template: false`, `to: 'base'`).
   */
  readonly template: { readonly name: string; readonly hash: string; readonly built: boolean } | null;
  /** Where the time went, in ms: `cloneMs` for `CREATE DATABASE ... TEMPLATE`, `migrateMs` when migrations ran. */
  readonly timings: { readonly totalMs: number; readonly cloneMs?: number; readonly migrateMs?: number };
  /**
   * Terminates the database's connections, drops it, and gives the environment variable back its previous
   * value. Idempotent. Close your Nest app first (`await app.close()`), or its pool logs the termination.
   */
  drop(): Promise<void>;
}

/** Databases created by this module instance, by URL, with the admin URL that created them. */
const created = new Map<string, string>();

/**
 * Creates a fresh database migrated to head, for one test file, and points the app at it: the environment
 * variable `env` (`DATABASE_URL`) is set to its URL until `drop()`, so `Test.createTestingModule({ imports:
 * [AppModule] })` connects to it.
 *
 * The database is a clone (`CREATE DATABASE ... TEMPLATE`) of a template database that holds the migrated
 * schema, named after a hash of the migration files and built once: by the first call that needs it, under an
 * advisory lock so that parallel Jest workers do not build it twice, then reused by every test file of the
 * run and by later runs until a migration changes. A clone takes tens of milliseconds however long the history.
 *
 * @example
 * let db: MigrationTestDatabase;
 * let app: INestApplication;
 * beforeAll(async () => {
 *   db = await createMigrationTestDatabase({ module: AppModule }); // sets DATABASE_URL
 *   const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
 *   app = await moduleRef.createNestApplication().init();
 * });
 * afterAll(async () => {
 *   await app?.close();
 *   await db?.drop();
 * });
 */
export async function createMigrationTestDatabase(options: MigrationTestDatabaseOptions): Promise<MigrationTestDatabase> {
  checkSource(options);
  const started = performance.now();
  const prefix = checkPrefix(options.prefix ?? 'test');
  const to = options.to ?? 'heads';
  const admin = await AdminConnection.open(resolveAdminUrl(options.adminUrl));
  const name = options.name ?? uniqueDatabaseName(prefix);
  const url = databaseUrl(admin.url, name);
  // On failure the database is dropped: it must be ours, never one that was there before.
  if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length) {
    await admin.close();
    throw new Error(`Database ${name} already exists: give createMigrationTestDatabase a name that is not taken.`);
  }
  const result: BuildResult = { template: null };
  const session: Session = { admin, options, prefix, to, name, url };
  try {
    if (to === 'base') {
      await admin.createDatabase(name, 'template0');
    } else if (options.template === false) {
      await admin.createDatabase(name, 'template0');
      session.app = await compileApp(options, url);
      result.migrateMs = await timed(() => (session.app as AppUnderTest).migrations.upgrade({ to }));
    } else {
      await cloneOrBuildTemplate(session, result);
    }
  } catch (error) {
    await session.app?.close();
    await admin.dropDatabase(name).catch(() => undefined);
    throw error;
  } finally {
    await session.app?.close();
    await admin.close();
  }

  created.set(url, admin.url);
  const variable = options.moduleFactory ? undefined : envName(options);
  const previous = variable ? process.env[variable] : undefined;
  if (variable) process.env[variable] = url;
  let dropping: Promise<void> | undefined;
  return {
    name,
    url,
    adminUrl: admin.url,
    template: result.template,
    timings: {
      totalMs: Math.round(performance.now() - started),
      ...(result.cloneMs !== undefined ? { cloneMs: Math.round(result.cloneMs) } : {}),
      ...(result.migrateMs !== undefined ? { migrateMs: Math.round(result.migrateMs) } : {}),
    },
    drop() {
      dropping ??= (async () => {
        if (variable && process.env[variable] === url) {
          if (previous === undefined) delete process.env[variable];
          else process.env[variable] = previous;
        }
        const connection = await AdminConnection.open(admin.url);
        try {
          await connection.dropWithShadows(name);
        } finally {
          await connection.close();
          created.delete(url);
        }
      })();
      return dropping;
    },
  };
}

interface Session {
  readonly admin: AdminConnection;
  readonly options: MigrationTestDatabaseOptions;
  readonly prefix: string;
  readonly to: string;
  readonly name: string;
  readonly url: string;
  /** The user's module, compiled on the new database (closed before the database is copied or replaced). */
  app?: AppUnderTest;
}

interface BuildResult {
  template: MigrationTestDatabase['template'];
  cloneMs?: number;
  migrateMs?: number;
}

/**
 * Optimistic: clones the newest template built for this module and target, then checks its hash against the
 * migrations the compiled module loads; in a steady state that is all (one clone, one compile). Otherwise,
 * under the template's lock: clones the template another process has just built, or migrates the new
 * database and copies it to the template.
 */
async function cloneOrBuildTemplate(session: Session, result: BuildResult): Promise<void> {
  const { admin, options, prefix, to, name, url } = session;
  const key = `${moduleKey(options)}@${to}`;
  const origin = await cloneNewestTemplate(admin, prefix, key, name, result);
  session.app = await compileApp(options, url);
  const hash = templateHash(session.app, to);
  const template = `${prefix}_tpl_${hash}`;
  if (origin === template) {
    result.template = { name: template, hash, built: false };
    return;
  }
  const replaceDatabase = async (source: string) => {
    await session.app?.close();
    await admin.dropDatabase(name);
    return timed(() => admin.createDatabase(name, source));
  };
  await admin.withLock(template, options.lockWaitMs ?? 120_000, async () => {
    if (await isReady(admin, prefix, template, hash)) {
      result.cloneMs = await replaceDatabase(template);
      result.template = { name: template, hash, built: false };
      return;
    }
    if (origin) {
      // Cloned from an outdated template: start again from an empty database.
      await replaceDatabase('template0');
      result.cloneMs = undefined;
      session.app = await compileApp(options, url);
    }
    const app = session.app as AppUnderTest;
    result.migrateMs = await timed(() => app.migrations.upgrade({ to }));
    await app.close();
    await admin.dropDatabase(template); // the leftover of a build that crashed, if any
    await admin.createDatabase(template, name);
    await markReady(admin, template, { hash, key, to });
    result.template = { name: template, hash, built: true };
    await pruneTemplates(admin, prefix, key, template);
  });
}

/**
 * Drops the template databases whose names start with `<prefix>_tpl_` (e.g. in a CI teardown). A template
 * is otherwise kept for the next run; a new one replaces the previous one of the same module when the
 * migrations change. Returns the names of the dropped databases.
 */
export async function dropMigrationTemplates(options: { adminUrl?: string; prefix?: string } = {}): Promise<string[]> {
  const prefix = checkPrefix(options.prefix ?? 'test');
  const admin = await AdminConnection.open(resolveAdminUrl(options.adminUrl));
  try {
    const names = (await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1', [`${prefix}_tpl_`])).map(
      (row) => row.datname,
    );
    for (const name of names) await admin.dropDatabase(name);
    return names;
  } finally {
    await admin.close();
  }
}

/** The admin URL: given, else TEST_DATABASE_URL, else DATABASE_URL (unless it names a database the kit made). */
export function resolveAdminUrl(explicit?: string): string {
  const url = explicit ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'No PostgreSQL server to create test databases on: set TEST_DATABASE_URL (or DATABASE_URL) to the URL of a role ' +
        'that may CREATE DATABASE, or pass `adminUrl`.',
    );
  }
  return created.get(url) ?? url;
}

/** Identifies what a template holds: the migration files (names, ids, parents, contents), the ledger and the target. */
function templateHash(app: AppUnderTest, to: string): string {
  const files = app.migrations.files();
  const { graph } = files;
  const hash = createHash('sha256').update(`nest-migrations-template:1\0${to}\0`);
  const { schema, ledgerTable, typeormMigrationsTable } = app.options;
  hash.update(`${schema}\0${ledgerTable}\0${typeormMigrationsTable}\0`);
  for (const revision of graph.all()) {
    const migration = files.has(revision.id) ? files.get(revision.id) : undefined;
    hash.update(`${revision.id}\0${revision.parents.join(',')}\0`);
    if (migration) hash.update(`${basename(migration.file)}\0${migration.className}\0`).update(readFileSync(migration.file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const MARKER = 'nest-migrations test template ';

interface TemplateInfo {
  hash: string;
  key: string;
  to: string;
  createdAt?: string;
}

/** Marks a template finished: described, closed to connections (so clones never wait), flagged as template. */
async function markReady(admin: AdminConnection, template: string, info: TemplateInfo): Promise<void> {
  const description = MARKER + JSON.stringify({ ...info, createdAt: new Date().toISOString() });
  await admin.query(`COMMENT ON DATABASE ${quoteIdent(template)} IS ${quoteLiteral(description)}`);
  await admin.query(`ALTER DATABASE ${quoteIdent(template)} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
}

async function templates(admin: AdminConnection, prefix: string, name?: string): Promise<{ name: string; info: TemplateInfo }[]> {
  const rows = await admin.query<{ datname: string; description: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS description FROM pg_database
      WHERE datistemplate AND left(datname, length($1)) = $1 AND ($2::text IS NULL OR datname = $2)`,
    [`${prefix}_tpl_`, name ?? null],
  );
  return rows.flatMap((row) => {
    if (!row.description?.startsWith(MARKER)) return [];
    try {
      return [{ name: row.datname, info: JSON.parse(row.description.slice(MARKER.length)) as TemplateInfo }];
    } catch {
      return [];
    }
  });
}

async function isReady(admin: AdminConnection, prefix: string, template: string, hash: string): Promise<boolean> {
  return (await templates(admin, prefix, template)).some((t) => t.info.hash === hash);
}

/** Creates `name` from the newest finished template for `key`; else empty. Returns the template used. */
async function cloneNewestTemplate(
  admin: AdminConnection,
  prefix: string,
  key: string,
  name: string,
  result: { cloneMs?: number },
): Promise<string | undefined> {
  const newest = (await templates(admin, prefix))
    .filter((t) => t.info.key === key)
    .sort((a, b) => String(b.info.createdAt).localeCompare(String(a.info.createdAt)))[0];
  if (newest) {
    try {
      result.cloneMs = await timed(() => admin.createDatabase(name, newest.name));
      return newest.name;
    } catch {
      // Dropped meanwhile by a process that built a newer one: fall through.
    }
  }
  await admin.createDatabase(name, 'template0');
  return undefined;
}

/** Drops the older templates of the same module and target (best effort: one may be in use by a clone). */
async function pruneTemplates(admin: AdminConnection, prefix: string, key: string, keep: string): Promise<void> {
  for (const old of await templates(admin, prefix)) {
    if (old.name !== keep && old.info.key === key) await admin.dropDatabase(old.name).catch(() => undefined);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
