/**
 * What the target database says about the relations and functions a run of migrations names, in one
 * catalog query: row estimate (`reltuples`), total size (`pg_total_relation_size`, summed over the
 * partitions of a partitioned table), the columns' types, collations, constraints and indexes, the
 * volatility of the functions called, the session TimeZone and the server version. Read-only.
 */
import type { DataSource } from 'typeorm';
import type { ColumnInfo, RelationInfo } from '../../core/lint/lint-model';
import type { RelationName } from '../../core/lint/lookups';
import { typeFromCatalog } from '../../core/lint/pg-types';

export interface CatalogFacts {
  readonly relations: Map<string, RelationInfo>;
  readonly functionVolatility: Map<string, string>;
  readonly timeZone: string;
  readonly serverVersion: number;
}

/*
 * Reads the catalog without waiting on anyone: to_regclass and the catalog tables take no lock on the
 * tables, and pg_total_relation_size (which opens the table) is skipped for a table another session holds
 * or awaits in ACCESS EXCLUSIVE mode (a running ALTER): its size is then estimated from relpages, as of the
 * last VACUUM or ANALYZE; so is pg_get_constraintdef (it opens the table too), and a CHECK that proves
 * NOT NULL then goes unseen. Partitions are found through pg_inherits, not pg_partition_tree, which locks them.
 */
const FACTS_SQL = `
WITH RECURSIVE wanted AS (
  SELECT w.key, to_regclass(w.qualified) AS oid
  FROM unnest($1::text[], $2::text[]) AS w(key, qualified)
), resolved AS (
  SELECT wanted.key, c.relkind,
         CASE WHEN c.relkind IN ('i', 'I') THEN ix.indrelid ELSE c.oid END AS target
  FROM wanted
  JOIN pg_class c ON c.oid = wanted.oid
  LEFT JOIN pg_index ix ON ix.indexrelid = c.oid
), tree AS (
  SELECT r.target AS root, r.target AS relid FROM resolved r
  UNION
  SELECT tree.root, i.inhrelid FROM tree JOIN pg_inherits i ON i.inhparent = tree.relid
), busy AS (
  SELECT DISTINCT l.relation FROM pg_locks l
  WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_backend_pid()
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
), sizes AS (
  SELECT tree.root,
         CASE WHEN bool_or(c.reltuples >= 0) FILTER (WHERE c.relkind NOT IN ('p', 'I'))
              THEN sum(greatest(c.reltuples, 0)) FILTER (WHERE c.relkind NOT IN ('p', 'I')) END AS rows,
         sum(CASE WHEN c.relkind = 'p' THEN 0
                  WHEN c.oid IN (SELECT relation FROM busy)
                    OR c.reltoastrelid IN (SELECT relation FROM busy)
                    OR EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND x.indexrelid IN (SELECT relation FROM busy))
                  THEN (c.relpages + coalesce((SELECT t.relpages FROM pg_class t WHERE t.oid = c.reltoastrelid), 0)
                        + coalesce((SELECT sum(ic.relpages) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = c.oid), 0))
                       * current_setting('block_size')::bigint
                  ELSE pg_total_relation_size(c.oid) END) AS bytes
  FROM tree JOIN pg_class c ON c.oid = tree.relid
  GROUP BY tree.root
), relations AS (
  SELECT r.key, r.relkind,
         format('%I.%I', n.nspname, t.relname) AS table_name,
         s.rows, s.bytes,
         (SELECT coalesce(json_agg(json_build_object(
             'name', a.attname,
             'type', coalesce(et.typname, ty.typname),
             'array', et.oid IS NOT NULL,
             'typmod', a.atttypmod,
             'collation', co.collname,
             'checked', EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'c' AND a.attnum = ANY (k.conkey)),
             'notNullChecked', CASE WHEN t.oid IN (SELECT relation FROM busy) THEN false ELSE EXISTS (
               SELECT 1 FROM pg_constraint k
               WHERE k.conrelid = t.oid AND k.contype = 'c' AND k.convalidated AND k.conkey = ARRAY[a.attnum]
                 AND pg_get_constraintdef(k.oid) = format('CHECK ((%s IS NOT NULL))', quote_ident(a.attname))) END,
             'indexed', EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND a.attnum = ANY (i.indkey))
           )), '[]'::json)
          FROM pg_attribute a
          JOIN pg_type ty ON ty.oid = a.atttypid
          LEFT JOIN pg_type et ON et.oid = ty.typelem AND ty.typcategory = 'A'
          LEFT JOIN pg_collation co ON co.oid = a.attcollation
          WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
  FROM resolved r
  JOIN pg_class t ON t.oid = r.target
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN sizes s ON s.root = r.target
)
SELECT (SELECT coalesce(json_agg(relations), '[]'::json) FROM relations) AS relations,
       (SELECT coalesce(json_object_agg(f.proname, f.volatility), '{}'::json) FROM (
          SELECT p.proname, max(p.provolatile::text) AS volatility
          FROM pg_proc p
          WHERE p.proname = ANY ($3::text[]) AND pg_function_is_visible(p.oid)
          GROUP BY p.proname
        ) f) AS functions,
       current_setting('TimeZone') AS time_zone,
       current_setting('server_version_num')::int AS server_version`;

interface RelationRow {
  key: string;
  relkind: string;
  table_name: string;
  rows: number | null;
  bytes: number | string;
  columns: { name: string; type: string; array: boolean; typmod: number; collation: string | null; checked: boolean; notNullChecked: boolean; indexed: boolean }[];
}

/** One query, whatever the number of relations. */
export async function readCatalogFacts(dataSource: DataSource, names: readonly RelationName[], functions: readonly string[]): Promise<CatalogFacts> {
  const keys = names.map((name) => name.key);
  const qualified = names.map((name) => name.parts.map(quoteIdent).join('.'));
  const [row] = (await dataSource.query(FACTS_SQL, [keys, qualified, [...functions]])) as {
    relations: RelationRow[] | string;
    functions: Record<string, string> | string;
    time_zone: string;
    server_version: number | string;
  }[];
  const relations = (typeof row.relations === 'string' ? JSON.parse(row.relations) : row.relations) as RelationRow[];
  const volatility = (typeof row.functions === 'string' ? JSON.parse(row.functions) : row.functions) as Record<string, string>;
  return {
    relations: new Map(relations.map((relation) => [relation.key, toRelationInfo(relation)])),
    functionVolatility: new Map(Object.entries(volatility)),
    timeZone: row.time_zone,
    serverVersion: Number(row.server_version),
  };
}

function toRelationInfo(row: RelationRow): RelationInfo {
  const columns: Record<string, ColumnInfo> = {};
  for (const column of row.columns) {
    columns[column.name] = {
      type: typeFromCatalog(column.type, column.typmod, column.array),
      ...(column.collation ? { collation: column.collation } : {}),
      checked: column.checked,
      notNullChecked: column.notNullChecked,
      indexed: column.indexed,
    };
  }
  return {
    kind: kindOf(row.relkind),
    table: row.table_name,
    ...(row.rows === null || row.rows === undefined ? {} : { rows: Math.round(Number(row.rows)) }),
    bytes: Number(row.bytes),
    columns,
  };
}

function kindOf(relkind: string): RelationInfo['kind'] {
  if (relkind === 'r' || relkind === 'p') return 'table';
  if (relkind === 'm') return 'matview';
  if (relkind === 'i' || relkind === 'I') return 'index';
  if (relkind === 'v') return 'view';
  return 'other';
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
