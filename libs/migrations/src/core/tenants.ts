import { MigrationsError, UsageError } from './errors';
import { closestName } from './similar-name';

/**
 * One tenant of a schema-per-tenant or database-per-tenant app. A schema tenant's migrations run with
 * `search_path` set to its schema, and its ledger lives there; a database tenant (`url`) has its own
 * connection, and its ledger in the module's `schema` unless it names one.
 */
export interface Tenant {
  /** What `--tenant NAME` and the matrix call it. */
  name: string;
  /** Its schema (default: the name, for a tenant without `url`). */
  schema?: string;
  /** Its database, for database-per-tenant apps. */
  url?: string;
}

/** How a tenant may be given: a schema name, or a {@link Tenant}. */
export type TenantInput = string | Tenant;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** Checks and normalises a tenant list: names unique, schemas plain identifiers. Throws a {@link UsageError} naming the first mistake. */
export function normalizeTenants(list: readonly TenantInput[]): Tenant[] {
  if (!Array.isArray(list)) throw new UsageError('The tenant source must return a list of tenants (schema names or { name, schema?, url? })');
  const seen = new Set<string>();
  return list.map((input) => {
    const tenant = typeof input === 'string' ? { name: input } : input;
    if (!tenant || typeof tenant.name !== 'string' || !tenant.name.trim()) {
      throw new UsageError(`A tenant needs a name, got ${JSON.stringify(input)}`);
    }
    if (seen.has(tenant.name)) throw new UsageError(`Tenant '${tenant.name}' is listed twice`);
    seen.add(tenant.name);
    const url = typeof tenant.url === 'string' && tenant.url.trim() ? tenant.url : undefined;
    const schema = tenant.schema ?? (url ? undefined : tenant.name);
    if (schema !== undefined && !IDENTIFIER.test(schema)) {
      throw new UsageError(`Tenant '${tenant.name}': schema must be a plain SQL identifier (letters, digits, _; at most 63), got '${schema}'`);
    }
    return { name: tenant.name, ...(schema !== undefined ? { schema } : {}), ...(url ? { url } : {}) };
  });
}

/** `--tenant A --tenant B` or `--all-tenants`. */
export interface TenantSelection {
  tenants?: readonly string[];
  all?: boolean;
}

/** Whether a command line asked for tenants at all. */
export function wantsTenants(selection: TenantSelection): boolean {
  return !!selection.all || !!selection.tenants?.length;
}

/** The tenants a selection names, in the source's order. Unknown names and contradictions are usage errors. */
export function selectTenants(all: readonly Tenant[], selection: TenantSelection): Tenant[] {
  if (selection.all && selection.tenants?.length) throw new UsageError('Give either --tenant NAME or --all-tenants, not both');
  if (selection.all) return [...all];
  const names = all.map((tenant) => tenant.name);
  for (const name of selection.tenants ?? []) {
    if (names.includes(name)) continue;
    const meant = closestName(name, names);
    throw new UnknownTenantError(name, meant ? `Did you mean '${meant}'?` : all.length ? `Known tenants: ${names.slice(0, 5).join(', ')}${all.length > 5 ? ', ...' : ''}.` : 'The tenant source returned no tenant: check the `tenants` option.');
  }
  const wanted = new Set(selection.tenants);
  return all.filter((tenant) => wanted.has(tenant.name));
}

export class UnknownTenantError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'unknown_tenant';
  constructor(readonly tenant: string, hint: string) {
    super(`Unknown tenant '${tenant}'`, hint);
  }
}
