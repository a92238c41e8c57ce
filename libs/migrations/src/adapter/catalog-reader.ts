/**
 * A deterministic, comparable snapshot of a database's schema, read from the PostgreSQL catalogs. The
 * migration checks compare such snapshots (e.g. "downgrade, then upgrade again, leaves exactly the schema a
 * single upgrade gives"); tests can too:
 *
 *   expect(await dumpCatalog(a.query, { exclude: ['migrations_ledger'] }))
 *     .toEqual(await dumpCatalog(b.query, { exclude: ['migrations_ledger'] }));
 *
 * Covers every non-system schema: schemas, extensions, tables (columns in physical order with type,
 * nullability, default, identity, generated, collation; constraints; indexes; triggers; RLS policies), views
 * and materialized views, sequences (definition, not current value), enum, domain and composite types, and
 * functions/procedures. Objects that belong to an extension are left out. Data, owners, grants and comments
 * are not part of the snapshot. The snapshot's shape is `core/catalog/catalog-snapshot.ts`; `diffCatalogs`
 * (`core/catalog/catalog-diff.ts`) lists the differences between two.
 */

import type { CatalogSnapshot, CatalogTable } from '../core/catalog/catalog-snapshot';

/**
 * Anything that runs SQL and returns rows, or a pg-style result with `rows`:
 * `TestDatabase.query`, `(s, p) => client.query(s, p)`, `dataSource.query`...
 */
export type CatalogQuery = (sql: string, params?: any[]) => Promise<readonly any[] | { rows: readonly any[] }>;

export interface DumpCatalogOptions {
  /**
   * Relations to leave out, as `name` (any schema) or `schema.name`: tables
   * (with their columns, constraints, indexes, triggers and policies, and the
   * sequences they own), views and sequences. Typically the ledger table.
   */
  exclude?: readonly string[];
  /** Compare columns by name only, ignoring their physical order. Default false. */
  ignoreColumnOrder?: boolean;
}

const USER_SCHEMA = (ns: string) => `
  ${ns}.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND ${ns}.nspname NOT LIKE 'pg\\_temp\\_%' AND ${ns}.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

const NOT_EXTENSION_MEMBER = (catalog: string, oid: string) => `
  NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
              WHERE dep.classid = '${catalog}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`;

const USER_RELATION = (kinds: string) => `
  c.relkind IN (${kinds}) AND ${USER_SCHEMA('n')} AND ${NOT_EXTENSION_MEMBER('pg_class', 'c.oid')}`;

const SQL = {
  schemas: `
    SELECT n.nspname AS name FROM pg_catalog.pg_namespace n
    WHERE ${USER_SCHEMA('n')} AND ${NOT_EXTENSION_MEMBER('pg_namespace', 'n.oid')}`,
  extensions: `
    SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname <> 'plpgsql'`,
  tables: `
    SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
           c.relpersistence::text AS persistence,
           CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS "partitionKey",
           CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS "partitionBound",
           COALESCE((SELECT json_agg(quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) ORDER BY i.inhseqno)
                     FROM pg_catalog.pg_inherits i
                     JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
                     JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
                     WHERE i.inhrelid = c.oid), '[]'::json) AS inherits,
           c.relrowsecurity AS "rowSecurity"
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_RELATION(`'r', 'p', 'f'`)}`,
  columns: `
    SELECT n.nspname AS schema, c.relname AS "table", a.attnum AS position, a.attname AS name,
           pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
           pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS "default",
           a.attidentity::text AS identity, a.attgenerated::text AS generated,
           CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(co.collname) END AS collation
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
    WHERE a.attnum > 0 AND NOT a.attisdropped AND ${USER_RELATION(`'r', 'p', 'f'`)}`,
  constraints: `
    SELECT n.nspname AS schema, c.relname AS "table", con.conname AS name, con.contype::text AS type,
           pg_catalog.pg_get_constraintdef(con.oid, true) AS definition
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_RELATION(`'r', 'p', 'f'`)}`,
  indexes: `
    SELECT n.nspname AS schema, c.relname AS "table", ic.relname AS name,
           pg_catalog.pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_RELATION(`'r', 'p', 'f', 'm'`)}`,
  triggers: `
    SELECT n.nspname AS schema, c.relname AS "table", tg.tgname AS name,
           pg_catalog.pg_get_triggerdef(tg.oid, true) AS definition, tg.tgenabled::text AS enabled
    FROM pg_catalog.pg_trigger tg
    JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT tg.tgisinternal AND ${USER_RELATION(`'r', 'p', 'f', 'v'`)}`,
  policies: `
    SELECT schemaname AS schema, tablename AS "table", policyname AS name,
           concat_ws(' | ', permissive, array_to_string(roles, ','), cmd,
                     'USING ' || qual, 'WITH CHECK ' || with_check) AS definition
    FROM pg_catalog.pg_policies`,
  views: `
    SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
           pg_catalog.pg_get_viewdef(c.oid, true) AS definition
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_RELATION(`'v', 'm'`)}`,
  sequences: `
    SELECT n.nspname AS schema, c.relname AS name, pg_catalog.format_type(s.seqtypid, NULL) AS type,
           s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min,
           s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle,
           own.schema AS "ownerSchema", own.table AS "ownerTable", own.column AS "ownerColumn"
    FROM pg_catalog.pg_sequence s
    JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN LATERAL (
      SELECT tn.nspname AS schema, tc.relname AS "table", ta.attname AS "column"
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
      JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
      JOIN pg_catalog.pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      LIMIT 1
    ) own ON true
    WHERE ${USER_RELATION(`'S'`)}`,
  enums: `
    SELECT n.nspname AS schema, t.typname AS name,
           json_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
    WHERE t.typtype = 'e' AND ${USER_SCHEMA('n')} AND ${NOT_EXTENSION_MEMBER('pg_type', 't.oid')}
    GROUP BY n.nspname, t.typname`,
  domains: `
    SELECT n.nspname AS schema, t.typname AS name,
           pg_catalog.format_type(t.typbasetype, t.typtypmod) AS "baseType",
           t.typnotnull AS "notNull", t.typdefault AS "default",
           COALESCE((SELECT json_agg(json_build_object('name', con.conname::text,
                                                       'definition', pg_catalog.pg_get_constraintdef(con.oid, true)))
                     FROM pg_catalog.pg_constraint con WHERE con.contypid = t.oid), '[]'::json) AS constraints
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'd' AND ${USER_SCHEMA('n')} AND ${NOT_EXTENSION_MEMBER('pg_type', 't.oid')}`,
  compositeTypes: `
    SELECT n.nspname AS schema, t.typname AS name,
           COALESCE((SELECT json_agg(json_build_object('name', a.attname::text,
                                                       'type', pg_catalog.format_type(a.atttypid, a.atttypmod))
                                     ORDER BY a.attnum)
                     FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '[]'::json) AS attributes
    FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
    WHERE t.typtype = 'c' AND c.relkind = 'c' AND ${USER_SCHEMA('n')} AND ${NOT_EXTENSION_MEMBER('pg_type', 't.oid')}`,
  functions: `
    SELECT n.nspname AS schema, p.proname AS name,
           pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments, p.prokind::text AS kind,
           CASE WHEN p.prokind <> 'a' THEN pg_catalog.pg_get_functiondef(p.oid) END AS definition
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE ${USER_SCHEMA('n')} AND ${NOT_EXTENSION_MEMBER('pg_proc', 'p.oid')}`,
} as const;

/** Code-unit order, independent of any locale or collation. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => cmp(key(a), key(b)));
}

const qualified = (o: { schema: string; name: string }) => `${o.schema}\u0000${o.name}`;
const byName = (o: { name: string }) => o.name;

/** Takes a snapshot of the schema of the database that `query` runs on. */
export async function dumpCatalog(query: CatalogQuery, options: DumpCatalogOptions = {}): Promise<CatalogSnapshot> {
  const exclude = new Set(options.exclude ?? []);
  const excluded = (schema: string, name: string) => exclude.has(name) || exclude.has(`${schema}.${name}`);
  const run = async (sql: string): Promise<any[]> => {
    const result = await query(sql);
    return [...(Array.isArray(result) ? result : (result as { rows: readonly any[] }).rows)];
  };

  // Sequential on purpose: `query` may be a single connection.
  const rows: Record<keyof typeof SQL, any[]> = {} as any;
  for (const key of Object.keys(SQL) as (keyof typeof SQL)[]) {
    rows[key] = await run(SQL[key]);
  }

  const tableKey = (schema: string, table: string) => `${schema}\u0000${table}`;
  const tables = new Map<string, CatalogTable>();
  for (const t of rows.tables) {
    if (excluded(t.schema, t.name)) continue;
    tables.set(tableKey(t.schema, t.name), {
      schema: t.schema,
      name: t.name,
      kind: t.kind,
      persistence: t.persistence,
      partitionKey: t.partitionKey ?? null,
      partitionBound: t.partitionBound ?? null,
      inherits: t.inherits ?? [],
      rowSecurity: t.rowSecurity,
      columns: [],
      constraints: [],
      indexes: [],
      triggers: [],
      policies: [],
    });
  }
  const tableOf = (r: { schema: string; table: string }) => tables.get(tableKey(r.schema, r.table));

  for (const c of [...rows.columns].sort((a, b) => Number(a.position) - Number(b.position))) {
    tableOf(c)?.columns.push({
      name: c.name,
      type: c.type,
      notNull: c.notNull,
      default: c.default ?? null,
      identity: c.identity ?? '',
      generated: c.generated ?? '',
      collation: c.collation ?? null,
    });
  }
  for (const c of rows.constraints) tableOf(c)?.constraints.push({ name: c.name, type: c.type, definition: c.definition });
  for (const tg of rows.triggers) tableOf(tg)?.triggers.push({ name: tg.name, definition: tg.definition, enabled: tg.enabled });
  for (const p of rows.policies) tableOf(p)?.policies.push({ name: p.name, definition: p.definition });

  // Indexes of tables go with their table; those of materialized views go with the view.
  const viewIndexes = new Map<string, { name: string; definition: string }[]>();
  for (const i of rows.indexes) {
    const index = { name: i.name, definition: i.definition };
    const table = tableOf(i);
    if (table) table.indexes.push(index);
    else if (!excluded(i.schema, i.table)) {
      const k = tableKey(i.schema, i.table);
      viewIndexes.set(k, [...(viewIndexes.get(k) ?? []), index]);
    }
  }

  for (const t of tables.values()) {
    if (options.ignoreColumnOrder) t.columns = sortBy(t.columns, byName);
    t.constraints = sortBy(t.constraints, byName);
    t.indexes = sortBy(t.indexes, byName);
    t.triggers = sortBy(t.triggers, byName);
    t.policies = sortBy(t.policies, byName);
  }

  return {
    schemas: rows.schemas.map((s) => s.name as string).sort(cmp),
    extensions: sortBy(
      rows.extensions.map((e) => ({ name: e.name, version: e.version, schema: e.schema })),
      byName,
    ),
    tables: sortBy([...tables.values()], qualified),
    views: sortBy(
      rows.views
        .filter((v) => !excluded(v.schema, v.name))
        .map((v) => {
          const indexes = viewIndexes.get(tableKey(v.schema, v.name));
          const view = { schema: v.schema, name: v.name, kind: v.kind, definition: v.definition };
          return indexes ? { ...view, indexes: sortBy(indexes, byName) } : view;
        }),
      qualified,
    ),
    sequences: sortBy(
      rows.sequences
        .filter((s) => !excluded(s.schema, s.name) && !(s.ownerTable && excluded(s.ownerSchema, s.ownerTable)))
        .map((s) => ({
          schema: s.schema,
          name: s.name,
          type: s.type,
          start: s.start,
          increment: s.increment,
          min: s.min,
          max: s.max,
          cache: s.cache,
          cycle: s.cycle,
          ownedBy: s.ownerTable ? `${s.ownerSchema}.${s.ownerTable}.${s.ownerColumn}` : null,
        })),
      qualified,
    ),
    enums: sortBy(
      rows.enums.map((e) => ({ schema: e.schema, name: e.name, labels: e.labels })),
      qualified,
    ),
    domains: sortBy(
      rows.domains.map((d) => ({
        schema: d.schema,
        name: d.name,
        baseType: d.baseType,
        notNull: d.notNull,
        default: d.default ?? null,
        constraints: sortBy<{ name: string; definition: string }>(d.constraints ?? [], byName),
      })),
      qualified,
    ),
    compositeTypes: sortBy(
      rows.compositeTypes.map((c) => ({ schema: c.schema, name: c.name, attributes: c.attributes })),
      qualified,
    ),
    functions: sortBy(
      rows.functions.map((f) => ({
        schema: f.schema,
        name: f.name,
        arguments: f.arguments,
        kind: f.kind,
        definition: f.definition ?? null,
      })),
      (f) => `${f.schema}\u0000${f.name}\u0000${f.arguments}`,
    ),
  };
}
