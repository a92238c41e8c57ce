import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * A data source for migrations on their own URL (a direct connection when the app's goes through a pooler):
 * the app's options — entities, naming strategy, schema, logging — with that URL and a small pool.
 */
export async function openDedicatedDataSource(app: DataSource, url: string | undefined, poolSize = 2): Promise<DataSource> {
  if (!url) return openPool(app.options as DataSourceOptions & Record<string, unknown>, poolSize);
  const { driver: _driver, replication: _replication, host: _host, port: _port, username: _user, password: _password, database: _database, ...rest } =
    app.options as DataSourceOptions & Record<string, unknown>;
  const extra = (rest.extra as Record<string, unknown> | undefined) ?? {};
  const dataSource = new DataSource({
    ...rest,
    type: 'postgres',
    url,
    name: undefined,
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    poolSize,
    extra: { ...extra, max: poolSize },
  } as unknown as DataSourceOptions);
  return dataSource.initialize();
}

/** A pool of `size` connections with the app's own connection options (a tenant fan-out's). */
async function openPool(options: DataSourceOptions & Record<string, unknown>, size: number): Promise<DataSource> {
  const extra = (options.extra as Record<string, unknown> | undefined) ?? {};
  const dataSource = new DataSource({
    ...options,
    name: undefined,
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    poolSize: size,
    extra: { ...extra, max: size },
  } as unknown as DataSourceOptions);
  return dataSource.initialize();
}
