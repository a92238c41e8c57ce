import type { QueryRunner } from 'typeorm';
import { quoteIdent } from './sql-names';

/** A database object that `db reset` drops. */
export interface SchemaObject {
  kind: 'table' | 'view' | 'materialized view' | 'sequence' | 'type' | 'domain' | 'function' | 'procedure';
  schema: string;
  name: string;
  /** For functions: the argument list, needed to name an overload. */
  args?: string;
}

/**
 * Everything in the given schemas that belongs to the app: tables, views, sequences, types, domains and
 * routines, leaving out what extensions own (they are dropped with the extension, not by us).
 */
export async function listSchemaObjects(runner: QueryRunner, schemas: readonly string[]): Promise<SchemaObject[]> {
  const rows: { kind: SchemaObject['kind']; schema: string; name: string; args: string | null }[] = await runner.query(
    `WITH ext AS (SELECT objid FROM pg_depend WHERE deptype = 'e')
     SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'sequence' END AS "kind",
            n.nspname AS "schema", c.relname AS "name", NULL AS "args"
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.oid NOT IN (SELECT objid FROM ext)
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        AND NOT (c.relispartition)
     UNION ALL
     SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, n.nspname, t.typname, NULL
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = ANY($1) AND t.typtype IN ('e', 'd', 'c', 'r') AND t.oid NOT IN (SELECT objid FROM ext)
        AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
     UNION ALL
     SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = ANY($1) AND p.prokind IN ('f', 'p') AND p.oid NOT IN (SELECT objid FROM ext)
     ORDER BY 1, 2, 3`,
    [schemas],
  );
  return rows.map((row) => ({ kind: row.kind, schema: row.schema, name: row.name, ...(row.args !== null ? { args: row.args } : {}) }));
}

const ORDER: SchemaObject['kind'][] = ['materialized view', 'view', 'table', 'sequence', 'function', 'procedure', 'domain', 'type'];

/** DROP statements for the objects, dependents first; CASCADE catches what depends on them across kinds. */
export function dropStatements(objects: readonly SchemaObject[]): string[] {
  return [...objects]
    .sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind))
    .map((object) => {
      const name = `${quoteIdent(object.schema)}.${quoteIdent(object.name)}`;
      const keyword = object.kind.toUpperCase();
      const target = object.kind === 'function' || object.kind === 'procedure' ? `${name}(${object.args ?? ''})` : name;
      return `DROP ${keyword} IF EXISTS ${target} CASCADE`;
    });
}
