import { EventEmitter } from 'node:events';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';

type Callback = (error: Error | null, result?: unknown) => void;

interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  fields: unknown[];
  command?: string;
}

/** What TypeORM's `driver` option expects of the `pg` module: a `Pool` class. */
export interface PgliteDriver {
  Pool: new () => EventEmitter;
  /** Marks the driver so that other parts (the shadow database) know the data source is embedded. */
  readonly pglite: true;
  /** Closes the PGlite instance (also done by the pool's `end`). */
  close(): Promise<void>;
}

/**
 * A `pg`-shaped driver over one PGlite instance (PostgreSQL compiled to WASM, in-process), for TypeORM's
 * `driver` option. Each call gives its own instance, so the embedded database and an in-memory shadow
 * database can live side by side. PGlite has a single session: every pooled client shares it, which is
 * what one CLI process needs.
 */
export function createPgliteDriver(options: PGliteOptions = {}): PgliteDriver {
  let instance: Promise<PGlite> | undefined;
  const open = (): Promise<PGlite> => {
    if (instance) return instance;
    // Loaded only when used, so that apps on a real server never pay for the WASM module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PGlite, types } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
    const serializers = { [types.BOOL]: serializeBool, ...options.serializers };
    return (instance = PGlite.create({ ...options, serializers } as PGliteOptions) as unknown as Promise<PGlite>);
  };

  const run = async (sql: string, params?: unknown[]): Promise<PgLikeResult> => {
    const db = await open();
    if (params && params.length) return toPg(await db.query(sql, params));
    const results = await db.exec(sql);
    return toPg(results[results.length - 1] ?? { rows: [], fields: [] });
  };

  const client = Object.assign(new EventEmitter(), {
    query(sql: string, params?: unknown[] | Callback, callback?: Callback): Promise<PgLikeResult> {
      const [values, done] = typeof params === 'function' ? [undefined, params] : [params, callback];
      const pending = run(sql, values);
      if (done) pending.then((result) => done(null, result), (error: Error) => done(error));
      return pending;
    },
    release(): void {},
  });

  const close = async (): Promise<void> => {
    const current = instance;
    instance = undefined;
    if (current) await (await current).close();
  };

  class Pool extends EventEmitter {
    connect(callback?: (error: Error | null, connection?: unknown, release?: () => void) => void): Promise<unknown> {
      const connected = open().then(() => client);
      if (callback) connected.then(() => callback(null, client, () => undefined), (error: Error) => callback(error));
      return connected;
    }

    query(sql: string, params?: unknown[] | Callback, callback?: Callback): Promise<PgLikeResult> {
      return client.query(sql, params, callback);
    }

    end(callback?: (error?: Error | null) => void): Promise<void> {
      const ended = close();
      if (callback) ended.then(() => callback(null), (error: Error) => callback(error));
      return ended;
    }
  }

  return { Pool, close, pglite: true };
}

function toPg(result: { rows: unknown[]; fields: unknown[]; affectedRows?: number }): PgLikeResult {
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, fields: result.fields };
}

function serializeBool(value: unknown): string {
  if (value === true || value === 'true' || value === 1) return 'TRUE';
  if (value === false || value === 'false' || value === 0) return 'FALSE';
  return String(value);
}

/** True when a TypeORM data source runs on this PGlite driver. */
export function isPglite(driver: unknown): boolean {
  return !!driver && (driver as { pglite?: unknown }).pglite === true;
}
