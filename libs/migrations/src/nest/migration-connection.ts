import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { openDedicatedDataSource } from '../adapter/runtime/dedicated-data-source';
import { validatePostgresUrl } from './database-options';
import { describeDatabase } from './database-label';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';

export const MIGRATIONS_URL_ENV = 'MIGRATIONS_DATABASE_URL';

/** Where migrations run, as the services see it: the app's connection, or one tenant's (tenant-target.ts). */
export interface MigrationTarget {
  /** The app's own data source. */
  readonly app: DataSource;
  /** The data source migrations run on. */
  dataSource(): Promise<DataSource>;
  /** The schema that holds the ledger. */
  readonly schema: string;
  /** A printable name of the database, never with its password. */
  describe(): string;
  /** The tenant's name, for a tenant's target. */
  readonly tenantName?: string;
  /** The URL migrations connect to when it is not the app's own. */
  readonly url?: string;
}

/**
 * The database connection migrations use: the app's TypeORM data source, or — when `migrationsUrl` (or
 * MIGRATIONS_DATABASE_URL) is set, for apps whose own URL goes through a pooler — a dedicated data source on
 * that direct URL, opened on first use and closed with the app.
 */
@Injectable()
export class MigrationConnection implements OnApplicationShutdown, MigrationTarget {
  private dedicated?: Promise<DataSource>;

  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The app's own data source (entities, the schema builder used by autogenerate). */
  get app(): DataSource {
    return this.moduleRef.get<DataSource>(getDataSourceToken(this.options.dataSource), { strict: false });
  }

  /** The direct URL for migrations, when one is configured. */
  get url(): string | undefined {
    const url = this.options.migrationsUrl ?? process.env[MIGRATIONS_URL_ENV];
    return url && url.trim() ? url : undefined;
  }

  /** The data source migrations run on. */
  async dataSource(): Promise<DataSource> {
    const url = this.url;
    if (!url) return this.app;
    this.dedicated ??= (async () => {
      validatePostgresUrl(url, this.options.migrationsUrl ? 'migrationsUrl' : MIGRATIONS_URL_ENV);
      return openDedicatedDataSource(this.app, url);
    })();
    return this.dedicated;
  }

  /** The schema that holds the ledger (and that `db reset` empties). */
  get schema(): string {
    return this.options.schema;
  }

  /** A printable name of the database migrations run on, never with its password. */
  describe(): string {
    return describeDatabase(this.url ? { options: { url: this.url } } : this.app);
  }

  async onApplicationShutdown(): Promise<void> {
    const dedicated = this.dedicated;
    this.dedicated = undefined;
    if (dedicated) await (await dedicated.catch(() => undefined))?.destroy().catch(() => undefined);
  }
}
