import { randomBytes } from 'node:crypto';
import { DataSource, type DataSourceOptions, type QueryRunner } from 'typeorm';
import { OperationFailedError } from '../core/errors';
import { driverCode, describeDriverError } from './driver-errors';
import type { MigrationFile } from './files/migration-file';
import { createPgliteDriver, isPglite } from './pglite-driver';
import { quoteIdent } from './sql-names';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityClass = Function;

/** A throw-away database holding exactly the schema that the migration history produces. */
export interface ShadowDatabase {
  readonly dataSource: DataSource;
  /** `server`: a temporary database on the app's server; `pglite`: an in-memory PGlite. */
  readonly kind: 'server' | 'pglite';
  dispose(): Promise<void>;
}

/**
 * Opens a shadow database for `main`: a temporary database on the same server when the role may create
 * one, else an in-memory PGlite. Drift in the developer's own database can then never leak into a
 * generated migration. The shadow's data source knows the given entities, so TypeORM can diff them.
 */
export async function openShadow(main: DataSource, entities: EntityClass[] = loadedEntities(main)): Promise<ShadowDatabase> {
  const options = main.options as DataSourceOptions & { driver?: unknown; url?: string; database?: string };
  const shared = sharedOptions(options, entities);
  if (!isPglite(options.driver)) {
    const name = `${String(main.driver.database ?? 'app').slice(0, 40)}_shadow_${randomBytes(4).toString('hex')}`;
    try {
      await main.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (error) {
      if (driverCode(error) !== '42501') {
        throw new OperationFailedError(`Cannot create the shadow database: ${describeDriverError(error)}`, undefined, 'shadow_failed');
      }
      return openPglite(shared);
    }
    const dataSource = new DataSource({ ...options, ...shared, ...onDatabase(options, name) } as DataSourceOptions);
    try {
      await dataSource.initialize();
    } catch (error) {
      await dropDatabase(main, name);
      throw error;
    }
    return {
      dataSource,
      kind: 'server',
      dispose: async () => {
        await dataSource.destroy().catch(() => undefined);
        await dropDatabase(main, name);
      },
    };
  }
  return openPglite(shared);
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

async function openPglite(shared: Partial<DataSourceOptions>): Promise<ShadowDatabase> {
  const driver = createPgliteDriver({});
  const dataSource = new DataSource({ type: 'postgres', driver, ...shared } as DataSourceOptions);
  await dataSource.initialize();
  return {
    dataSource,
    kind: 'pglite',
    dispose: async () => {
      await dataSource.destroy().catch(() => undefined);
      await driver.close().catch(() => undefined);
    },
  };
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

async function dropDatabase(main: DataSource, name: string): Promise<void> {
  await main.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() =>
    main.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).catch(() => undefined),
  );
}

/**
 * Runs every migration's `up` on the shadow, in graph order; no ledger. The shadow is thrown away, so
 * migrations are batched into few transactions without waiting for WAL flushes: replaying a long history
 * is the bulk of `db migrate -m`'s time. Batches stay small enough for PostgreSQL's lock table.
 */
export async function replayMigrations(shadow: DataSource, migrations: readonly MigrationFile[], batch = 100): Promise<void> {
  const runner: QueryRunner = shadow.createQueryRunner();
  try {
    await runner.query('SET synchronous_commit = off');
    let inBatch = 0;
    for (const migration of migrations) {
      const instance = new migration.migrationClass();
      const transactional = instance.transaction !== false;
      if (!transactional && runner.isTransactionActive) await runner.commitTransaction();
      if (transactional && !runner.isTransactionActive) {
        await runner.startTransaction();
        inBatch = 0;
      }
      try {
        await instance.up(runner);
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw new OperationFailedError(
          `Migration ${migration.revision.id} failed on the shadow database: ${describeDriverError(error)}`,
          'The migration history does not apply cleanly to an empty database: fix that migration first.',
          'shadow_replay_failed',
        );
      }
      if (transactional && ++inBatch >= batch) await runner.commitTransaction();
    }
    if (runner.isTransactionActive) await runner.commitTransaction();
  } finally {
    await runner.release();
  }
}
