import { printableUrl } from '../adapter/driver-errors';

interface ConnectionOptions {
  url?: string;
  host?: string;
  port?: number;
  database?: string;
  username?: string;
  extra?: { embeddedDataDir?: string };
}

/** A printable name for the database a data source points at, never with its password. */
export function describeDatabase(dataSource: { options: object }): string {
  const options = dataSource.options as ConnectionOptions;
  if (options.extra?.embeddedDataDir) return `embedded PGlite (${options.extra.embeddedDataDir})`;
  if (options.url) return printableUrl(options.url);
  const user = options.username ? `${options.username}@` : '';
  return `postgres://${user}${options.host ?? 'localhost'}:${options.port ?? 5432}/${options.database ?? ''}`;
}
