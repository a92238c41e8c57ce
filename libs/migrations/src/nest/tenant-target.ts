import type { DataSource } from 'typeorm';
import { connectionError } from '../adapter/driver-errors';
import { openDedicatedDataSource } from '../adapter/runtime/dedicated-data-source';
import type { Tenant } from '../core/tenants';
import { describeDatabase } from './database-label';
import { validatePostgresUrl } from './database-options';
import type { MigrationTarget } from './migration-connection';

/**
 * Where one tenant's migrations run: a schema tenant on the shared connection (or a fan-out's pool) with
 * its ledger in its schema; a database tenant on a data source of its own, opened on first use and closed
 * by {@link close}.
 */
export class TenantTarget implements MigrationTarget {
  private own?: Promise<DataSource>;

  constructor(
    readonly tenant: Tenant,
    private readonly base: MigrationTarget,
    private readonly defaultSchema: string,
    private readonly shared?: () => Promise<DataSource>,
  ) {}

  get app(): DataSource {
    return this.base.app;
  }

  /** The ledger's schema: the tenant's schema, or the module's for a database tenant without one. */
  get schema(): string {
    return this.tenant.schema ?? this.defaultSchema;
  }

  get url(): string | undefined {
    return this.tenant.url;
  }

  get tenantName(): string {
    return this.tenant.name;
  }

  dataSource(): Promise<DataSource> {
    const url = this.tenant.url;
    if (!url) return this.shared ? this.shared() : this.base.dataSource();
    this.own ??= (async () => {
      validatePostgresUrl(url, `the url of tenant '${this.tenant.name}'`);
      try {
        return await openDedicatedDataSource(this.base.app, url);
      } catch (error) {
        const parsed = new URL(url);
        throw connectionError(error, { host: parsed.hostname, port: parsed.port || undefined, database: decodeURIComponent(parsed.pathname.slice(1)), user: decodeURIComponent(parsed.username) });
      }
    })();
    return this.own;
  }

  describe(): string {
    return this.tenant.url ? describeDatabase({ options: { url: this.tenant.url } }) : this.base.describe();
  }

  async close(): Promise<void> {
    const own = this.own;
    this.own = undefined;
    if (own) await (await own.catch(() => undefined))?.destroy().catch(() => undefined);
  }
}
