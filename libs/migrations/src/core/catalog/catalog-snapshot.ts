/**
 * A deterministic, comparable snapshot of a database's schema as PostgreSQL's catalogs describe it (read by
 * `adapter/catalog-reader.ts`): schemas, extensions, tables (columns in physical order with type, nullability,
 * default, identity, generated, collation; constraints; indexes; triggers; RLS policies), views and
 * materialized views, sequences (definition, not current value), enum, domain and composite types, and
 * functions/procedures. Objects that belong to an extension are left out. Data, owners, grants and comments
 * are not part of it. `diffCatalogs` (catalog-diff.ts) lists the differences between two.
 */

export interface CatalogColumn {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  /** '' | 'a' (ALWAYS) | 'd' (BY DEFAULT) */
  identity: string;
  /** '' | 's' (stored) | 'v' (virtual, PG 18+) */
  generated: string;
  /** Only when it differs from the type's default collation. */
  collation: string | null;
}

export interface CatalogTable {
  schema: string;
  name: string;
  /** 'r' table, 'p' partitioned table, 'f' foreign table */
  kind: string;
  /** 'p' permanent, 'u' unlogged */
  persistence: string;
  partitionKey: string | null;
  partitionBound: string | null;
  inherits: string[];
  rowSecurity: boolean;
  columns: CatalogColumn[];
  constraints: { name: string; type: string; definition: string }[];
  indexes: { name: string; definition: string }[];
  triggers: { name: string; definition: string; enabled: string }[];
  policies: { name: string; definition: string }[];
}

export interface CatalogSnapshot {
  schemas: string[];
  extensions: { name: string; version: string; schema: string }[];
  tables: CatalogTable[];
  /** kind 'v' view, 'm' materialized view (with its indexes). */
  views: { schema: string; name: string; kind: string; definition: string; indexes?: { name: string; definition: string }[] }[];
  sequences: {
    schema: string;
    name: string;
    type: string;
    start: string;
    increment: string;
    min: string;
    max: string;
    cache: string;
    cycle: boolean;
    ownedBy: string | null;
  }[];
  enums: { schema: string; name: string; labels: string[] }[];
  domains: {
    schema: string;
    name: string;
    baseType: string;
    notNull: boolean;
    default: string | null;
    constraints: { name: string; definition: string }[];
  }[];
  compositeTypes: { schema: string; name: string; attributes: { name: string; type: string }[] }[];
  functions: { schema: string; name: string; arguments: string; kind: string; definition: string | null }[];
}

/** Stable text form of a snapshot (for logs or snapshot files). */
export function formatCatalog(snapshot: CatalogSnapshot): string {
  return JSON.stringify(snapshot, null, 2);
}
