import type { DataSource, QueryRunner, Table } from 'typeorm';
import type { Rename, TableShape } from '../core/rename-candidates';
import { quoteIdent } from './sql-names';
import type { TypeConversion } from './type-conversions';
import { patchDriver, reconcileBeforeSync, useStoredDefaults } from './typeorm-quirks';

/** One statement of a generated migration. */
export interface DiffStatement {
  sql: string;
  params?: unknown[];
}

/** Statements that take the shadow (the migrations' schema) to the entities' schema, and back. */
export interface SchemaDiff {
  up: DiffStatement[];
  down: DiffStatement[];
  /** Columns whose type changed: converted in place, or (no cast) dropped and added. */
  conversions?: TypeConversion[];
}

/**
 * Compares the registered entities with the schema that the migrations produce, on the shadow database.
 * TypeORM's schema builder gives the changes to tables that have entities; tables that lost their entity
 * are dropped here (the schema builder never drops a table), with their full definition in `down`.
 */
export class SchemaDiffer {
  constructor(
    private readonly shadow: DataSource,
    /** Tables that belong to no entity but must stay: the ledger, TypeORM's own tables. */
    private readonly keep: readonly string[],
  ) {
    // Corrections to TypeORM's known PostgreSQL quirks, on this throw-away data source only (typeorm-quirks.ts).
    patchDriver(shadow);
  }

  async diff(): Promise<SchemaDiff> {
    const builder = this.shadow.driver.createSchemaBuilder();
    // TypeORM renames a column by itself when exactly one disappears and one appears with the same type.
    // Renames are decided before the diff (asked, or given with --rename) and replayed on the shadow, so
    // any left here are drop + add, as the user chose.
    (builder as unknown as { renameColumns: () => Promise<void> }).renameColumns = async () => undefined;
    // Defaults, checks and indexes are compared by PostgreSQL, not as strings; enum conversions are repaired.
    const conversions: TypeConversion[] = [];
    reconcileBeforeSync(this.shadow, builder, conversions);
    const log = await builder.log();
    const up: DiffStatement[] = log.upQueries.map(toStatement);
    const down: DiffStatement[] = [...log.downQueries].reverse().map(toStatement);
    const orphans = await this.orphanTables();
    if (!orphans.length) return { up, down, conversions };
    const runner = this.shadow.createQueryRunner();
    try {
      await useStoredDefaults(runner, orphans);
      runner.enableSqlMemory();
      for (const table of orphans) await runner.dropTable(table, false, true, true);
      const memory = runner.getMemorySql();
      return {
        up: [...up, ...memory.upQueries.map(toStatement)],
        down: [...[...memory.downQueries].reverse().map(toStatement), ...down],
        conversions,
      };
    } finally {
      runner.disableSqlMemory();
      await runner.release();
    }
  }

  /** Column names and types, before (shadow) and after (entities), for rename detection. */
  async shapes(): Promise<{ before: TableShape[]; after: TableShape[] }> {
    const runner = this.shadow.createQueryRunner();
    try {
      const tables = await runner.getTables(await this.tablePaths(runner));
      const before = tables
        .filter((table) => !this.isKept(table.name))
        .map((table) => ({ name: table.name, columns: table.columns.map((c) => ({ name: c.name, type: shapeType(c.type, c) })) }));
      const after = this.shadow.entityMetadatas
        .filter((metadata) => metadata.tableType === 'regular' || metadata.tableType === 'junction')
        .map((metadata) => ({
          name: metadata.tablePath,
          columns: metadata.columns.map((column) => ({
            name: column.databaseName,
            type: shapeType(this.shadow.driver.normalizeType(column), column),
          })),
        }));
      return { before, after };
    } finally {
      await runner.release();
    }
  }

  /**
   * Renames as SQL, run on the shadow so that the next diff starts from them; returns up and down. A renamed
   * table's serial sequences (`<table>_<column>_seq`) are renamed with it, as TypeORM names them after the table.
   */
  async applyRenames(renames: readonly Rename[]): Promise<SchemaDiff> {
    const up: DiffStatement[] = [];
    const down: DiffStatement[] = [];
    for (const rename of renames) {
      const pairs: [string, string][] = [[renameSql(rename, false), renameSql(rename, true)]];
      if (rename.kind === 'table') pairs.push(...(await this.sequenceRenames(rename.from, rename.to)));
      for (const [forward, backward] of pairs) {
        await this.shadow.query(forward);
        up.push({ sql: forward });
        down.unshift({ sql: backward });
      }
    }
    return { up, down };
  }

  private async sequenceRenames(from: string, to: string): Promise<[string, string][]> {
    const rows: { schema: string; sequence: string; column: string }[] = await this.shadow.query(
      `SELECT n.nspname AS "schema", s.relname AS "sequence", a.attname AS "column"
         FROM pg_class s
         JOIN pg_namespace n ON n.oid = s.relnamespace
         JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
         JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S' AND d.refobjid = $1::regclass`,
      [qualifiedPath(from)],
    );
    const oldBare = bareName(from);
    const newBare = bareName(to);
    return rows
      .filter((row) => row.sequence === `${oldBare}_${row.column}_seq`)
      .map((row) => {
        const renamed = `${newBare}_${row.column}_seq`;
        return [
          `ALTER SEQUENCE ${quoteIdent(row.schema)}.${quoteIdent(row.sequence)} RENAME TO ${quoteIdent(renamed)}`,
          `ALTER SEQUENCE ${quoteIdent(row.schema)}.${quoteIdent(renamed)} RENAME TO ${quoteIdent(row.sequence)}`,
        ];
      });
  }

  private async orphanTables(): Promise<Table[]> {
    const runner = this.shadow.createQueryRunner();
    try {
      const wanted = new Set(this.shadow.entityMetadatas.map((metadata) => metadata.tablePath));
      // Names first: loading every table's definition again (the schema builder just did) costs a catalog scan.
      const orphans = (await this.tablePaths(runner)).filter((path) => !wanted.has(path) && !this.isKept(path));
      if (!orphans.length) return [];
      const tables = await runner.getTables(orphans);
      return tables.filter((table) => !wanted.has(table.name) && !this.isKept(table.name));
    } finally {
      await runner.release();
    }
  }

  /** Every base table in the schemas the entities live in. */
  private async tablePaths(runner: QueryRunner): Promise<string[]> {
    const current = String((await runner.query('SELECT current_schema() AS "schema"'))[0].schema);
    const schemas = new Set(this.shadow.entityMetadatas.map((metadata) => metadata.schema ?? current));
    if (!schemas.size) schemas.add(current);
    const rows: { table_schema: string; table_name: string }[] = await runner.query(
      `SELECT "table_schema", "table_name" FROM "information_schema"."tables" WHERE "table_type" = 'BASE TABLE' AND "table_schema" = ANY($1)`,
      [[...schemas]],
    );
    return rows.map((row) => (row.table_schema === current ? row.table_name : `${row.table_schema}.${row.table_name}`));
  }

  private isKept(name: string): boolean {
    const bare = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
    return this.keep.includes(name) || this.keep.includes(bare) || bare === 'typeorm_metadata';
  }
}

/** A column's type with what makes two columns interchangeable: length, precision, scale, array. */
function shapeType(type: string, column: { length?: string | number; precision?: number | null; scale?: number; isArray?: boolean }): string {
  const size = column.length ? `(${column.length})` : column.precision != null ? `(${column.precision},${column.scale ?? 0})` : '';
  return `${type}${size}${column.isArray ? '[]' : ''}`;
}

function toStatement(query: { query: string; parameters?: unknown[] }): DiffStatement {
  return query.parameters && query.parameters.length ? { sql: query.query, params: query.parameters } : { sql: query.query };
}

function bareName(path: string): string {
  return path.includes('.') ? path.slice(path.lastIndexOf('.') + 1) : path;
}

function qualifiedPath(path: string): string {
  return path.split('.').map(quoteIdent).join('.');
}

function renameSql(rename: Rename, reverse: boolean): string {
  const [from, to] = reverse ? [rename.to, rename.from] : [rename.from, rename.to];
  if (rename.kind === 'column') {
    return `ALTER TABLE ${qualifiedPath(rename.table)} RENAME COLUMN ${quoteIdent(from)} TO ${quoteIdent(to)}`;
  }
  return `ALTER TABLE ${qualifiedPath(from)} RENAME TO ${quoteIdent(bareName(to))}`;
}
