import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * A data source for migrations on their own URL (a direct connection when the app's goes through a pooler):
 * the app's options — entities, naming strategy, schema, logging — with that URL and a small pool.
 */
export async function openDedicatedDataSource(app: DataSource, url: string): Promise<DataSource> {
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
    poolSize: 2,
    extra: { ...extra, max: 2 },
  } as unknown as DataSourceOptions);
  return dataSource.initialize();
}
