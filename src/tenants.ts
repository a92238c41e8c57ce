import type { TenantInput, TenantSourceContext } from 'nest-migrations';

/**
 * The example app's tenants (the `tenants` option): none when `TENANTS` is unset. `TENANTS=acme,globex` lists
 * schema tenants, `TENANTS=acme=postgres://...` a database tenant, and `TENANTS=table` reads the rows of the
 * `tenants` table (`name`, `schema_name`, `url`) each time a command or the boot hook asks, so a tenant
 * created at sign-up is in the next fan-out.
 */
export function exampleTenants(list: string | undefined) {
  if (!list) return undefined;
  return async ({ dataSource }: TenantSourceContext): Promise<TenantInput[]> => {
    if (list !== 'table') return list.split(',').map((entry) => entry.trim()).filter(Boolean).map(parseTenant);
    const [{ exists }] = await dataSource.query(`SELECT to_regclass('public.tenants') IS NOT NULL AS "exists"`);
    if (!exists) return [];
    const rows: { name: string; schema_name: string | null; url: string | null }[] = await dataSource.query('SELECT "name", "schema_name", "url" FROM "public"."tenants" ORDER BY "name"');
    return rows.map((row) => ({ name: row.name, schema: row.schema_name ?? undefined, url: row.url ?? undefined }));
  };
}

/** `acme` (a schema) or `acme=postgres://host/acme` (a database). */
function parseTenant(entry: string): TenantInput {
  const at = entry.indexOf('=');
  return at < 0 ? entry : { name: entry.slice(0, at), url: entry.slice(at + 1) };
}
