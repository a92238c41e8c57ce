import type { EntityMetadata, Table, TableIndex } from 'typeorm';

/**
 * The TypeORM internals this library reads that differ between the two supported lines, 0.3.x and 1.x, each
 * behind one function that tests for the member, never for a version. Everything else calls these.
 *
 * The public API used elsewhere (DataSource, QueryRunner, MigrationInterface, Table*, decorators, the `driver`
 * option that the PGlite driver plugs into) is the same on both lines. The internals that differ are inside
 * `RdbmsSchemaBuilder`, which the diff drives (schema-diff.ts, typeorm-quirks.ts):
 *
 * | internal | 0.3.x | 1.x |
 * | --- | --- | --- |
 * | tables the builder compares | `builder.queryRunner.loadedTables` (the runner's cache) | `builder.tables` (filled by `log()` from the same `getTables` call) |
 * | "does this index need drop + create?" | inline in `dropOldIndices`, no method | `builder.shouldDropIndices(meta, table)`, which also compares the index method (`type`) |
 *
 * Differences in what the lines generate need no branch, so they are not here:
 * - 0.3 writes an object (json) default without doubling its quotes, and an enum column's function default as
 *   the function's source text; its comparison of a json default throws on an expression. typeorm-quirks.ts
 *   writes and compares defaults as 1.x does, on both lines.
 * - Adding an enum value: 1.x emits `ALTER TYPE ... ADD VALUE`, 0.3 recreates the type; the enum repairs in
 *   typeorm-quirks.ts cover both paths.
 * - 1.x writes an index without a method as `ON "t"  (...)` (two spaces), 0.3 as `ON "t" (...)`.
 */

type IndexMetadata = EntityMetadata['indices'][number];

/** The part of TypeORM's `RdbmsSchemaBuilder` (protected members) that the compat functions read. */
export interface SchemaBuilderInternals {
  /** 1.x only. */
  tables?: Table[];
  /** 1.x only. */
  shouldDropIndices?(index: IndexMetadata, tableIndex: TableIndex): boolean;
  queryRunner: { loadedTables: Table[] };
  connection?: { driver: { isFullTextColumnTypeSupported(): boolean } };
}

/** The tables the schema builder loaded from the database and compares the entities with. */
export function builderTables(builder: SchemaBuilderInternals): Table[] {
  // Both lines fill these from one `queryRunner.getTables()` call: on 1.x the builder keeps that array as
  // `tables`; 0.3 reads the runner's cache (`loadedTables`), the very same array, directly.
  return Array.isArray(builder.tables) ? builder.tables : builder.queryRunner.loadedTables;
}

/**
 * True when TypeORM itself will drop and recreate `tableIndex` to match `index` (a uniqueness, spatial,
 * full-text, column set or, on 1.x, index method change): such indexes are left to TypeORM.
 */
export function schemaBuilderDropsIndex(builder: SchemaBuilderInternals, index: IndexMetadata, tableIndex: TableIndex): boolean {
  if (typeof builder.shouldDropIndices === 'function') return builder.shouldDropIndices(index, tableIndex);
  // 0.3.x: the same test as its `dropOldIndices` (written inline there, with no method to call).
  if (index.synchronize === false) return false;
  if (index.isUnique !== tableIndex.isUnique || index.isSpatial !== tableIndex.isSpatial) return true;
  if (builder.connection?.driver.isFullTextColumnTypeSupported() && index.isFulltext !== tableIndex.isFulltext) return true;
  if (index.columns.length !== tableIndex.columnNames.length) return true;
  return !index.columns.every((column) => tableIndex.columnNames.includes(column.databaseName));
}
