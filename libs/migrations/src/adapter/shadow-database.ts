import { DataSource, type DataSourceOptions } from 'typeorm';
import { driverCode, describeDriverError } from './driver-errors';
import type { MigrationFile } from './files/migration-file';
import { createPgliteDriver, isPglite } from './pglite-driver';
import { createDatabase, dropDatabase, templateState } from './shadow/admin';
import { historyKeys } from './shadow/history-key';
import { shadowName, shadowStem, templateName } from './shadow/names';
import { guardShadow, sweepDeadShadows } from './shadow/claims';
import { haltIfInterrupted } from './shadow/signal-guard';
import { replayMigrations } from './shadow/replay';
import { connectOrDrop, openClone, serverShadow, shadowError } from './shadow/server-shadow';
import { clearTemplates, ensureTemplate } from './shadow/template-cache';

export { replayMigrations } from './shadow/replay';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityClass = Function;

/** A throw-away database holding exactly the schema that the migration history produces. */
export interface ShadowDatabase {
  readonly dataSource: DataSource;
  /** `server`: a temporary database on the app's server; `pglite`: an in-memory PGlite. */
  readonly kind: 'server' | 'pglite';
  /** `hit`: cloned from the cached template; `miss`: the template was built (or extended) first; `off`: no cache. */
  readonly cache: ShadowCacheStatus;
  /** Migrations replayed for this shadow (0 on a hit). */
  readonly replayed: number;
  /** The cached template it is, or was cloned from. */
  readonly template?: string;
  /** The shadow is the cached template itself: its schema must not change (renames need `writable`). */
  readonly onTemplate?: boolean;
  dispose(): Promise<void>;
}

export type ShadowCacheStatus = 'hit' | 'miss' | 'off';

/**
 * Progress of opening a server shadow: `building` (`database` exists and the replay starts: a template's build
 * database, or the shadow itself without the cache), then `ready` (the shadow exists and holds the history).
 */
export type ShadowProgress =
  | { phase: 'building'; database: string; template?: string; from?: string; replaying: number }
  | { phase: 'ready'; kind: 'server' | 'pglite'; cache: ShadowCacheStatus; database?: string; template?: string; replayed: number; note?: string };

export interface ShadowOptions {
  /** The migration history, in replay order. */
  history: readonly MigrationFile[];
  /** Entities the shadow's data source knows (default: those the app's data source loaded). */
  entities?: EntityClass[];
  /** Use a cached template of the history instead of replaying it (server only). Default: true. */
  cache?: boolean;
  /**
   * The caller will change the shadow's schema (`--rename` runs the renames on it): a clone of the template.
   * Otherwise the diff runs on the template itself, which it must leave as it found it: only session-local
   * writes (temporary tables, transactions rolled back). Default: false.
   */
  writable?: boolean;
  onProgress?: (progress: ShadowProgress) => void;
}

/**
 * Opens a shadow database for `main` holding the schema of the migration history: a database on the same
 * server when the role may create one, else an in-memory PGlite. Drift in the developer's own database can
 * then never leak into a generated migration. The shadow's data source knows the given entities, so TypeORM
 * can diff them.
 *
 * On a server, with the cache on, the shadow is the template of the history (see `shadow/template-cache.ts`),
 * built once by replaying it: the diff runs on the template itself (no copy, and no DROP DATABASE, which
 * waits for a checkpoint), or on a clone of it (`CREATE DATABASE ... TEMPLATE`) when the caller will change
 * the schema (`writable`). Every database made here is dropped on SIGINT/SIGTERM (`shadow/signal-guard.ts`).
 */
export async function openShadow(main: DataSource, options: ShadowOptions): Promise<ShadowDatabase> {
  const source = main.options as DataSourceOptions & { driver?: unknown; url?: string; database?: string };
  const shared = sharedOptions(source, options.entities ?? loadedEntities(main));
  const report = options.onProgress ?? (() => undefined);
  if (isPglite(source.driver)) return openPglite(shared, options.history, report);
  const stem = shadowStem(String(main.driver.database ?? 'app'));
  await sweepDeadShadows(main, stem); // left by runs that died (SIGKILL, a crash): nobody holds their claim
  const connect = async (database: string) => {
    const dataSource = new DataSource({ ...source, ...shared, ...onDatabase(source, database) } as DataSourceOptions);
    await dataSource.initialize();
    return dataSource;
  };
  const replay = async (database: string, migrations: readonly MigrationFile[]) => {
    const dataSource = await connect(database);
    try {
      await replayMigrations(dataSource, migrations);
    } finally {
      await dataSource.destroy().catch(() => undefined);
    }
  };
  // An empty history is cached too: diffing on its (empty) template spares a CREATE and a DROP DATABASE.
  const keys = options.cache === false ? undefined : historyKeys(options.history, String((source as { schema?: string }).schema ?? ''));
  let note: string | undefined;
  if (keys) {
    const template = templateName(stem, keys[options.history.length]);
    let cache: ShadowCacheStatus = 'hit';
    let replayed = 0;
    let dropping: Promise<void> = Promise.resolve();
    const state = await templateState(main, template);
    if (state === 'absent') {
      cache = 'miss';
      try {
        const built = await ensureTemplate(main, {
          stem,
          keys,
          migrations: options.history,
          replay,
          onBuilding: (build) => report({ phase: 'building', template, database: build.build, from: build.from, replaying: build.replayed }),
        });
        replayed = built?.replayed ?? 0;
        dropping = built?.dropping ?? dropping;
      } catch (error) {
        await haltIfInterrupted();
        // The role may not CREATE DATABASE: no template, no server shadow either.
        if (driverCode(error) === '42501') return openPglite(shared, options.history, report);
        throw shadowError(error);
      }
    }
    const opened = state === 'foreign'
      ? { error: new Error('another role owns it') }
      : options.writable
      ? await openClone(main, template, stem, connect)
      : await connect(template).then(
          (dataSource) => ({ dataSource, database: template, dispose: () => dataSource.destroy().then(() => undefined) }),
          (error: unknown) => ({ error }),
        );
    if ('dataSource' in opened) {
      report({ phase: 'ready', kind: 'server', cache, database: opened.database, template, replayed });
      return {
        dataSource: opened.dataSource,
        kind: 'server',
        cache,
        replayed,
        template,
        onTemplate: !options.writable,
        dispose: async () => {
          await opened.dispose().catch(() => undefined);
          await dropping;
        },
      };
    }
    await dropping;
    note = `cannot use the template ${template} (${describeDriverError(opened.error)}): replaying without the cache`;
  }
  const name = shadowName(stem);
  const release = await guardShadow(main, name);
  try {
    await createDatabase(main, name);
  } catch (error) {
    release();
    if (driverCode(error) !== '42501') throw shadowError(error);
    return openPglite(shared, options.history, report);
  }
  const dataSource = await connectOrDrop(main, name, connect).catch((error) => {
    release();
    throw error;
  });
  try {
    report({ phase: 'building', database: name, replaying: options.history.length });
    await replayMigrations(dataSource, options.history);
  } catch (error) {
    await haltIfInterrupted();
    await dataSource.destroy().catch(() => undefined);
    await dropDatabase(main, name);
    release();
    throw error;
  }
  report({ phase: 'ready', kind: 'server', cache: 'off', database: name, replayed: options.history.length, ...(note ? { note } : {}) });
  return serverShadow(main, name, dataSource, release, { cache: 'off', replayed: options.history.length });
}

/**
 * Drops the cached templates of `main`'s database (`<db>_shadow_tpl_*`); returns their names. Nothing to do on
 * PGlite, which has no cache.
 */
export async function clearShadowCache(main: DataSource): Promise<string[]> {
  if (isPglite((main.options as { driver?: unknown }).driver)) return [];
  return clearTemplates(main, shadowStem(String(main.driver.database ?? 'app')));
}

/**
 * The entities the app's data source actually loaded, however they were given: `@MigrationEntity()`, a list,
 * `autoLoadEntities` with `TypeOrmModule.forFeature`, or a glob of files. Entity schemas are passed as given;
 * junction tables come back from their owners.
 */
export function loadedEntities(main: DataSource): EntityClass[] {
  const given: unknown = main.options.entities;
  const list: unknown[] = Array.isArray(given) ? given : given && typeof given === 'object' ? Object.values(given) : [];
  const schemas = list.filter((entity) => typeof entity === 'object' && entity !== null);
  const classes = main.entityMetadatas
    .filter((metadata) => metadata.tableType !== 'junction' && metadata.tableType !== 'closure-junction')
    .map((metadata) => metadata.target)
    .filter((target): target is EntityClass => typeof target === 'function');
  return [...new Set([...classes, ...(schemas as unknown as EntityClass[])])];
}

async function openPglite(
  shared: Partial<DataSourceOptions>,
  history: readonly MigrationFile[],
  report: (progress: ShadowProgress) => void,
): Promise<ShadowDatabase> {
  const driver = createPgliteDriver({});
  const dataSource = new DataSource({ type: 'postgres', driver, ...shared } as DataSourceOptions);
  const dispose = async () => {
    await dataSource.destroy().catch(() => undefined);
    await driver.close().catch(() => undefined);
  };
  try {
    await dataSource.initialize();
    await replayMigrations(dataSource, history);
  } catch (error) {
    await dispose();
    throw error;
  }
  report({ phase: 'ready', kind: 'pglite', cache: 'off', replayed: history.length });
  return { dataSource, kind: 'pglite', cache: 'off', replayed: history.length, dispose };
}

/** What the shadow must share with the app's data source for TypeORM to generate the same SQL. */
function sharedOptions(options: DataSourceOptions, entities: EntityClass[]): Partial<DataSourceOptions> {
  const source = options as DataSourceOptions & Record<string, unknown>;
  return {
    name: undefined,
    entities,
    migrations: [],
    subscribers: [],
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    logging: false,
    ...(source.namingStrategy ? { namingStrategy: source.namingStrategy } : {}),
    ...(source.entityPrefix ? { entityPrefix: source.entityPrefix } : {}),
    ...(source.schema ? { schema: source.schema } : {}),
    ...(source.uuidExtension ? { uuidExtension: source.uuidExtension } : {}),
  } as Partial<DataSourceOptions>;
}

function onDatabase(options: { url?: string }, database: string): Partial<DataSourceOptions> {
  if (!options.url) return { database } as Partial<DataSourceOptions>;
  const url = new URL(options.url);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { url: url.toString(), database } as Partial<DataSourceOptions>;
}
