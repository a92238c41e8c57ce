import type { QueryRunner } from 'typeorm';
import { quoteIdent, quoteLiteral } from './sql-names';

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

/** Drops the objects in one transaction: all of them, or none when one fails. */
export async function dropObjects(runner: QueryRunner, objects: readonly SchemaObject[]): Promise<void> {
  await inTransaction(runner, async () => {
    for (const sql of dropStatements(objects)) await runner.query(sql);
  });
}

/** Runs `work` in a transaction on the runner: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    const result = await work();
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  }
}

/** The database's own name and whether `db protect` marked it as production (a database-level setting). */
export async function databaseMarker(runner: QueryRunner, setting: string): Promise<{ database: string; protected: boolean }> {
  const rows = await runner.query(`SELECT current_database() AS "database", current_setting(${quoteLiteral(setting)}, true) AS "value"`);
  return { database: String(rows[0]?.database ?? ''), protected: rows[0]?.value === 'on' };
}

/** Sets or removes the production marker of `db protect`, which survives a reset. */
export async function setDatabaseMarker(runner: QueryRunner, setting: string, on: boolean): Promise<void> {
  const { database } = await databaseMarker(runner, setting);
  await runner.query(on ? `ALTER DATABASE ${quoteIdent(database)} SET ${setting} = 'on'` : `ALTER DATABASE ${quoteIdent(database)} RESET ${setting}`);
}
