import type { DataSource } from 'typeorm';
import { openDedicatedDataSource } from '../adapter/runtime/dedicated-data-source';
import { fanOut, type FanOutOutcome } from '../core/fan-out';
import { normalizeTenants, selectTenants, type Tenant, type TenantInput, type TenantSelection } from '../core/tenants';
import type { MigrationTarget } from './migration-connection';
import type { TenantDirectory } from './tenant-directory.service';
import { TenantTarget } from './tenant-target';

/** How a fan-out runs. */
export interface FanOutRequest {
  /** Tenants at once, and connections of the shared pool. Default: `tenantConcurrency` (4). */
  concurrency?: number;
  /** Start no other tenant once one failed. Default: false (the others go on). */
  failFast?: boolean;
}

/** What the fan-out needs from the service that starts it. */
export interface TenantScope<S> {
  directory: TenantDirectory;
  base: MigrationTarget;
  /** A service bound to a tenant's target. */
  bind(target: TenantTarget): S;
}

/** Runs `work` with a service bound to one tenant; a database tenant's connection is closed after. */
export async function withTenant<S, T>(scope: TenantScope<S>, input: TenantInput, work: (migrations: S) => Promise<T>, shared?: () => Promise<DataSource>): Promise<T> {
  const tenant = typeof input === 'string' ? selectTenants(await scope.directory.list(), { tenants: [input] })[0] : normalizeTenants([input])[0];
  const target = new TenantTarget(tenant, scope.base, scope.directory.defaultSchema, shared);
  try {
    return await work(scope.bind(target));
  } finally {
    await target.close();
  }
}

/**
 * Runs `work` on each selected tenant, `concurrency` at once. Schema tenants share one pool of
 * `concurrency` connections (opened on first use, closed at the end); each database tenant has its own
 * small data source, open only while it runs. Each tenant's run takes its own lock (the key includes the
 * schema) and reads its own ledger, so a rerun touches only the tenants that are not at head.
 */
export async function eachTenant<S, T>(
  scope: TenantScope<S>,
  selection: TenantSelection | readonly Tenant[],
  work: (migrations: S, tenant: Tenant) => Promise<T>,
  request: FanOutRequest = {},
): Promise<FanOutOutcome<T, Tenant>[]> {
  const tenants = Array.isArray(selection) ? normalizeTenants(selection as Tenant[]) : selectTenants(await scope.directory.list(), selection as TenantSelection);
  const concurrency = Math.max(1, Math.floor(request.concurrency ?? scope.directory.concurrency));
  let pool: Promise<DataSource> | undefined;
  const shared = () => (pool ??= openDedicatedDataSource(scope.base.app, scope.base.url, Math.min(concurrency, tenants.length)));
  try {
    return await fanOut(tenants, { concurrency, failFast: request.failFast }, (tenant) => withTenant(scope, tenant, (migrations) => work(migrations, tenant), shared));
  } finally {
    if (pool) await (await pool.catch(() => undefined))?.destroy().catch(() => undefined);
  }
}
