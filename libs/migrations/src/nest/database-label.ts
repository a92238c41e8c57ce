import type { DataSource } from 'typeorm';
import { redact } from '../adapter/driver-errors';

/** A printable name for the database a data source points at, never with its password. */
export function describeDatabase(dataSource: DataSource): string {
  const options = dataSource.options as { url?: string; host?: string; port?: number; database?: string; username?: string; driver?: unknown; extra?: { embeddedDataDir?: string } };
  if (options.extra?.embeddedDataDir) return `embedded PGlite (${options.extra.embeddedDataDir})`;
  if (options.url) return redact(options.url);
  const user = options.username ? `${options.username}@` : '';
  return `postgres://${user}${options.host ?? 'localhost'}:${options.port ?? 5432}/${options.database ?? ''}`;
}
