import { TableCheck, TableIndex, type DataSource, type EntityMetadata, type QueryRunner, type Table, type TableColumn } from 'typeorm';
import { probing } from './savepoint-probe';
import { quoteIdent } from './sql-names';
import { convertTypesInPlace, type TypeConversion } from './type-conversions';
import { builderTables, schemaBuilderDropsIndex, type SchemaBuilderInternals } from './typeorm-compat';

type ColumnMetadata = EntityMetadata['columns'][number];

/**
 * Corrections to TypeORM's PostgreSQL schema builder, so that `db migrate -m` and `db check` report only real
 * differences ("phantom diffs" are statements TypeORM re-emits on every run although the schema already matches).
 * They are applied to the shadow data source's own driver and schema builder instances, which are thrown away
 * after the diff: nothing global is patched. See "Autogenerate: known TypeORM quirks" in docs/design.md.
 */

interface PostgresDriverLike {
  normalizeDefault(column: ColumnMetadata): string | undefined;
  normalizeDatetimeFunction(value: string): string;
  defaultEqual(column: ColumnMetadata, tableColumn: TableColumn): boolean;
}

interface SqlBuilding {
  escapePath(target: Table | string): string;
  createIndexSql(table: Table | string, index: TableIndex): { query: string };
  dropIndexSql(table: Table | string, index: TableIndex): { query: string };
  createCheckConstraintSql(table: Table | string, check: TableCheck): { query: string };
  dropCheckConstraintSql(table: Table | string, check: TableCheck): { query: string };
}

interface MemoryQueryRunner extends SqlBuilding {
  sqlInMemory: { upQueries: { query: string }[]; downQueries: { query: string; parameters?: unknown[] }[] };
  changeColumn(table: Table | string, oldColumn: TableColumn, newColumn: TableColumn): Promise<void>;
}

interface SchemaBuilderLike extends SchemaBuilderInternals {
  queryRunner: MemoryQueryRunner & SchemaBuilderInternals['queryRunner'];
  getTablePath(target: Table | EntityMetadata): string;
  executeSchemaSyncOperationsInProperOrder(): Promise<void>;
}

/** Marks on a driver that its methods are already wrapped (a data source is diffed more than once). */
const patchedDrivers = new WeakSet<object>();
/** Table columns whose default PostgreSQL proved equal to their entity's: TypeORM must treat them as equal. */
const provenDefaults = new WeakMap<TableColumn, ColumnMetadata>();

/** Fixes on the driver: how defaults are written and compared. Idempotent. */
export function patchDriver(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as PostgresDriverLike;
  if (patchedDrivers.has(driver)) return;
  patchedDrivers.add(driver);

  const normalizeDefault = driver.normalizeDefault.bind(driver);
  driver.normalizeDefault = (column) => {
    const value: unknown = column.default;
    // Quirk: TypeORM writes a string (or enum) default as `'${value}'` without doubling quotes, so "it's" gives
    // the invalid `DEFAULT 'it's'`. PostgreSQL reads the escaped literal back as `'it''s'`, the form compared too.
    if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
    // Quirk (0.3.x; 1.x already does this): an enum column's function default is written as the function's
    // source text, an object (json) default without doubling its quotes. Written here as 1.x writes them.
    if (typeof value === 'function') return driver.normalizeDatetimeFunction((value as () => string)());
    if (value !== null && typeof value === 'object' && !(column.isArray && Array.isArray(value))) {
      return `'${JSON.stringify(value).replaceAll("'", "''")}'`;
    }
    return normalizeDefault(column);
  };

  const defaultEqual = driver.defaultEqual.bind(driver);
  driver.defaultEqual = (column, tableColumn) => {
    if (provenDefaults.get(tableColumn) === column) return true;
    if (column.default == null && tableColumn.default == null) return true;
    try {
      return defaultEqual(column, tableColumn);
    } catch {
      // 0.3.x parses a json column's stored default with JSON.parse and throws on an expression: "differs",
      // which reconcileDefaults then settles by asking PostgreSQL (1.x catches the error itself).
      return false;
    }
  };
}

/**
 * Before the schema builder compares, settles the column defaults it would wrongly call different, by asking
 * PostgreSQL: the entity's default expression is parsed by the server for the column's type, in a temporary
 * table, and its stored form (`pg_get_expr`) compared with the shadow column's. Equal stored forms are the same
 * default, whatever their spelling (`'[]'::jsonb` vs `'[]'`, `0` vs `'0'`, `1.5` vs `'1.5'`,
 * `ARRAY[]::varchar[]`), so the loaded column takes the entity's spelling and TypeORM sees no change. A default
 * that differs for the server is still reported, and the down restores the shadow's exact expression (TypeORM's
 * own reading strips every `::type`, which can leave invalid SQL such as `ARRAY[]`).
 *
 * Also covers a uuid column with a default such as `gen_random_uuid()` that the entity does not declare as
 * generated: TypeORM reads that default as a generated uuid column (`isGenerated`) and then emits
 * `DROP DEFAULT` + `SET DEFAULT ...` on every run. Such a column is read as what it is, a column with a default.
 */
export function reconcileBeforeSync(dataSource: DataSource, schemaBuilder: unknown, conversions: TypeConversion[] = []): void {
  const builder = schemaBuilder as SchemaBuilderLike;
  const sync = builder.executeSchemaSyncOperationsInProperOrder.bind(builder);
  builder.executeSchemaSyncOperationsInProperOrder = async () => {
    await reconcileDefaults(dataSource, builder);
    await replaceChangedIndexesAndChecks(dataSource, builder);
    repairEnumConversions(dataSource, builder.queryRunner);
    // Type changes PostgreSQL can cast become ALTER COLUMN ... TYPE instead of drop + add (type-conversions.ts).
    convertTypesInPlace(dataSource, builder.queryRunner as unknown as Parameters<typeof convertTypesInPlace>[1], conversions);
    return sync();
  };
}

/** The entity tables the builder loaded from the shadow, with their metadata. */
function loadedTables(dataSource: DataSource, builder: SchemaBuilderLike): { metadata: EntityMetadata; table: Table }[] {
  const pairs: { metadata: EntityMetadata; table: Table }[] = [];
  for (const metadata of dataSource.entityMetadatas) {
    if (metadata.tableType === 'view' || metadata.tableType === 'entity-child' || !metadata.synchronize) continue;
    const path = builder.getTablePath(metadata);
    const table = builderTables(builder).find((candidate) => builder.getTablePath(candidate) === path);
    if (table) pairs.push({ metadata, table });
  }
  return pairs;
}

interface StoredColumn {
  type: string;
  stored: string | null;
}

async function reconcileDefaults(dataSource: DataSource, builder: SchemaBuilderLike): Promise<void> {
  const driver = dataSource.driver as unknown as PostgresDriverLike;
  const candidates: { tableColumn: TableColumn; metadata: ColumnMetadata; table: string }[] = [];
  for (const { metadata, table } of loadedTables(dataSource, builder)) {
    for (const column of metadata.columns) {
      const tableColumn = table.columns.find((candidate) => candidate.name === column.databaseName);
      if (!tableColumn || column.isGenerated || column.generatedType || tableColumn.generatedType) continue;
      if (tableColumn.isGenerated ? tableColumn.generationStrategy !== 'uuid' : driver.defaultEqual(column, tableColumn)) continue;
      candidates.push({ tableColumn, metadata: column, table: builder.queryRunner.escapePath(table) });
    }
  }
  if (!candidates.length) return;

  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    try {
      for (const { tableColumn, metadata, table } of candidates) {
        const current = await storedColumn(runner, table, tableColumn.name);
        if (!current || current.stored === null) continue;
        tableColumn.isGenerated = false;
        tableColumn.generationStrategy = undefined;
        tableColumn.default = current.stored;
        const expression = driver.normalizeDefault(metadata);
        if (expression === undefined) continue;
        if ((await storedDefault(runner, current.type, expression)) === current.stored) {
          tableColumn.default = expression;
          provenDefaults.set(tableColumn, metadata);
        }
      }
    } finally {
      // Only temporary tables were created: nothing is kept.
      await runner.rollbackTransaction();
    }
  } finally {
    await runner.release();
  }
}

async function storedColumn(runner: QueryRunner, table: string, column: string): Promise<StoredColumn | undefined> {
  const rows: StoredColumn[] = await runner.query(
    `SELECT format_type(a.atttypid, a.atttypmod) AS "type", pg_get_expr(d.adbin, d.adrelid) AS "stored"
       FROM pg_attribute a
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::regclass AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [table, column],
  );
  return rows[0];
}

/**
 * Gives the loaded columns of `tables` their exact stored default, for a down that recreates them (a dropped
 * table): TypeORM's reading strips every `::type` (`ARRAY[]::varchar[]` becomes the invalid `ARRAY[]`), and
 * reads a uuid default as "generated", which it writes back as its own generator, not the stored one.
 */
export async function useStoredDefaults(runner: QueryRunner, tables: readonly Table[]): Promise<void> {
  const cache = runner as unknown as SqlBuilding & { getTablePath(table: Table): string; getCachedTable(path: string): Promise<Table> };
  for (const loaded of tables) {
    // `dropTable` works on the runner's cached copy of the table: that is the one to correct.
    const table = await cache.getCachedTable(cache.getTablePath(loaded));
    const path = cache.escapePath(table);
    for (const column of table.columns) {
      if (column.generatedType || (column.isGenerated && column.generationStrategy !== 'uuid')) continue;
      const current = await storedColumn(runner, path, column.name);
      if (!current || current.stored === null) continue;
      column.isGenerated = false;
      column.generationStrategy = undefined;
      column.default = current.stored;
    }
  }
}

/** How PostgreSQL stores `expression` as the default of a `type` column; undefined when it does not parse. */
async function storedDefault(runner: QueryRunner, type: string, expression: string): Promise<string | undefined> {
  // The expression is only parsed, never evaluated; the table is rolled back with its savepoint.
  return probing(runner, async () => {
    await runner.query(`CREATE TEMPORARY TABLE "typeorm_default_probe" ("c" ${type} DEFAULT ${expression})`);
    const rows: { stored: string }[] = await runner.query(
      `SELECT pg_get_expr(d.adbin, d.adrelid) AS "stored" FROM pg_attrdef d WHERE d.adrelid = 'pg_temp.typeorm_default_probe'::regclass`,
    );
    return rows[0]?.stored;
  });
}

/**
 * Quirk (missed changes, the opposite of a phantom): TypeORM matches check constraints and indexes by name only.
 * A named check whose expression changed, or an index whose WHERE, column order or method changed, is never
 * regenerated. Each one with the same name on both sides is built again from the entity on a temporary copy of
 * the table (`LIKE` the shadow's), where PostgreSQL prints it back; when that differs from the shadow's, the
 * old one is dropped here (with its exact definition for the down) and TypeORM then creates the entity's.
 * Ones that cannot be built on the copy (they use a column or enum value that does not exist yet) are left to
 * TypeORM's comparison.
 */
async function replaceChangedIndexesAndChecks(dataSource: DataSource, builder: SchemaBuilderLike): Promise<void> {
  const work: { table: Table; checks: [TableCheck, TableCheck][]; indexes: [TableIndex, TableIndex][] }[] = [];
  for (const { metadata, table } of loadedTables(dataSource, builder)) {
    const checks: [TableCheck, TableCheck][] = [];
    for (const check of metadata.checks) {
      const existing = table.checks.find((candidate) => candidate.name === check.name);
      if (existing) checks.push([existing, TableCheck.create(check)]);
    }
    const indexes: [TableIndex, TableIndex][] = [];
    for (const index of metadata.indices) {
      const existing = table.indices.find((candidate) => candidate.name === index.name);
      if (existing && index.synchronize !== false && !schemaBuilderDropsIndex(builder, index, existing)) indexes.push([existing, TableIndex.create(index)]);
    }
    if (checks.length || indexes.length) work.push({ table, checks, indexes });
  }
  if (!work.length) return;

  const sql = builder.queryRunner;
  const probe = 'pg_temp.typeorm_probe';
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    try {
      // The shadow's side of every index, in one query (round trips are most of this check's time).
      const paths = work.filter((item) => item.indexes.length).map((item) => sql.escapePath(item.table));
      const shadowIndexes = paths.length ? await indexSignatures(runner, paths) : new Map<string, IndexSignature>();
      for (const { table, checks, indexes } of work) {
        const real = sql.escapePath(table);
        await runner.query(`DROP TABLE IF EXISTS ${probe}; CREATE TEMPORARY TABLE "typeorm_probe" (LIKE ${real})`);
        for (const [existing, wanted] of checks) {
          const current = await checkDefinition(runner, real, existing.name as string);
          const built = await probing(runner, async () => {
            await runner.query(sql.createCheckConstraintSql(probe, wanted).query);
            return checkDefinition(runner, probe, wanted.name as string);
          });
          if (current === undefined || built === undefined || built === current) continue;
          sql.sqlInMemory.upQueries.push(sql.dropCheckConstraintSql(table, existing));
          sql.sqlInMemory.downQueries.push({ query: `ALTER TABLE ${real} ADD CONSTRAINT ${quoteIdent(existing.name as string)} ${current}` });
          table.removeCheckConstraint(existing);
        }
        // All of the table's indexes built on the copy at once; if one cannot be, each is tried alone.
        const together = indexes.length
          ? await probing(
              runner,
              async () => indexSignatures(runner, [probe]),
              indexes.map(([, wanted]) => sql.createIndexSql(probe, wanted).query).join('; '),
            )
          : undefined;
        for (const [existing, wanted] of indexes) {
          const current = shadowIndexes.get(`${real}\0${existing.name as string}`);
          const built = together
            ? together.get(`${probe}\0${wanted.name as string}`)
            : await probing(
                runner,
                async () => (await indexSignatures(runner, [probe])).get(`${probe}\0${wanted.name as string}`),
                sql.createIndexSql(probe, wanted).query,
              );
          if (current === undefined || built === undefined || built.signature === current.signature) continue;
          sql.sqlInMemory.upQueries.push(sql.dropIndexSql(table, existing));
          sql.sqlInMemory.downQueries.push({ query: current.definition });
          table.removeIndex(existing);
        }
      }
    } finally {
      await runner.rollbackTransaction();
    }
  } finally {
    await runner.release();
  }
}

async function checkDefinition(runner: QueryRunner, table: string, name: string): Promise<string | undefined> {
  const rows: { definition: string }[] = await runner.query(
    `SELECT pg_get_constraintdef(c.oid, true) AS "definition" FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.conname = $2 AND c.contype = 'c'`,
    [table, name],
  );
  return rows[0]?.definition;
}

interface IndexSignature {
  signature: string;
  definition: string;
}

/**
 * The indexes of the given tables (escaped paths, as given) as PostgreSQL prints them, keyed by `<path>\0<index
 * name>`: the signature is without name and table (method, uniqueness, columns, predicate).
 */
async function indexSignatures(runner: QueryRunner, paths: string[]): Promise<Map<string, IndexSignature>> {
  const rows: ({ path: string; name: string } & IndexSignature)[] = await runner.query(
    `SELECT t.path AS "path", i.relname AS "name",
            concat_ws(' | ', am.amname, x.indisunique::text,
              (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k) FROM generate_series(1, x.indnatts) k),
              x.indnkeyatts::text, pg_get_expr(x.indpred, x.indrelid, true)) AS "signature",
            pg_get_indexdef(x.indexrelid) AS "definition"
       FROM unnest($1::text[]) AS t(path)
       JOIN pg_index x ON x.indrelid = t.path::regclass
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_am am ON am.oid = i.relam`,
    [paths],
  );
  return new Map(rows.map((row) => [`${row.path}\0${row.name}`, { signature: row.signature, definition: row.definition }]));
}

/**
 * Two quirks of TypeORM's enum changes, whose statements fail when run:
 *
 * - When enum values are only added, the up is `ALTER TYPE ... ADD VALUE`, and the down recreates the old type
 *   and converts the column (`ALTER COLUMN ... TYPE "x_old" USING ...`), but, unlike TypeORM's general enum path,
 *   without dropping the column's default first: PostgreSQL refuses ("default for column cannot be cast
 *   automatically"). The down gets DROP DEFAULT before the conversion and SET DEFAULT (the old default) after.
 * - A partial or expression index, or a check constraint, that compares the column with an enum literal
 *   (`WHERE "status" <> 'archived'`) keeps the old type in its expression, so converting the column to the
 *   recreated type fails ("operator does not exist: x_old <> x"), in the up of a general enum change and in the
 *   down of any. Such indexes and checks (as the shadow has them) are dropped before the conversion and recreated
 *   from their definition once the type has its final name.
 */
function repairEnumConversions(dataSource: DataSource, runner: MemoryQueryRunner): void {
  const changeColumn = runner.changeColumn.bind(runner);
  runner.changeColumn = async (tableOrName, oldColumn, newColumn) => {
    const memory = runner.sqlInMemory;
    const ups = memory.upQueries.length;
    const downs = memory.downQueries.length;
    await changeColumn(tableOrName, oldColumn, newColumn);
    if (oldColumn.type !== 'enum' || newColumn.type !== 'enum') return;
    const column = `ALTER TABLE ${runner.escapePath(tableOrName)} ALTER COLUMN "${newColumn.name}"`;
    const isConversion = (query: { query: string }) => query.query.startsWith(`${column} TYPE `) && query.query.includes(' USING ');
    const upConversion = memory.upQueries.findIndex((query, i) => i >= ups && isConversion(query));
    let downConversion = memory.downQueries.findIndex((query, i) => i >= downs && isConversion(query));
    if (upConversion < 0 && downConversion < 0) return;

    const addedValues = memory.upQueries.slice(ups).some((query) => /^ALTER TYPE .* ADD VALUE /.test(query.query));
    const hasDefault = oldColumn.default !== null && oldColumn.default !== undefined;
    if (addedValues && hasDefault && downConversion >= 0 && !memory.downQueries.slice(downs).some((query) => query.query === `${column} DROP DEFAULT`)) {
      // Down queries run in reverse order: what is stored after the conversion runs before it.
      memory.downQueries.splice(downConversion + 1, 0, { query: `${column} DROP DEFAULT` });
      memory.downQueries.splice(downConversion, 0, { query: `${column} SET DEFAULT ${oldColumn.default}` });
      downConversion += 1;
    }

    const earlier = memory.upQueries.slice(0, ups).map((query) => query.query);
    const dependents = (await enumDependents(dataSource, runner.escapePath(tableOrName), oldColumn.name)).filter(
      (dependent) => !earlier.some((query) => query.includes(dependent.dropMarker) && query.includes(`"${dependent.name}"`)),
    );
    if (!dependents.length) return;
    const drops = dependents.map((dependent) => ({ query: dependent.drop }));
    const creates = dependents.map((dependent) => ({ query: dependent.create }));
    if (upConversion >= 0) {
      memory.upQueries.splice(upConversion, 0, ...drops);
      memory.upQueries.push(...creates);
    }
    if (downConversion >= 0) {
      memory.downQueries.splice(downConversion + 1, 0, ...[...drops].reverse());
      memory.downQueries.splice(downs, 0, ...[...creates].reverse());
    }
  };
}

interface Dependent {
  name: string;
  drop: string;
  create: string;
  /** How an earlier statement of the same diff that already dropped it starts. */
  dropMarker: string;
}

/** Partial or expression indexes and check constraints of `table` that use `column`, as the shadow has them. */
async function enumDependents(dataSource: DataSource, table: string, column: string): Promise<Dependent[]> {
  const rows: { kind: 'index' | 'check'; schema: string; name: string; definition: string }[] = await dataSource.query(
    `SELECT 'index' AS "kind", n.nspname AS "schema", i.relname AS "name", pg_get_indexdef(x.indexrelid) AS "definition"
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE x.indrelid = $1::regclass AND (x.indpred IS NOT NULL OR x.indexprs IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        AND EXISTS (SELECT 1 FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                     WHERE d.classid = 'pg_class'::regclass AND d.objid = x.indexrelid AND d.refobjid = x.indrelid AND a.attname = $2)
     UNION ALL
     SELECT 'check', '', c.conname, pg_get_constraintdef(c.oid)
       FROM pg_constraint c
      WHERE c.conrelid = $1::regclass AND c.contype = 'c'
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) AND a.attname = $2)
      ORDER BY 1, 3`,
    [table, column],
  );
  return rows.map((row) =>
    row.kind === 'index'
      ? { name: row.name, drop: `DROP INDEX ${quoteIdent(row.schema)}.${quoteIdent(row.name)}`, create: row.definition, dropMarker: 'DROP INDEX' }
      : {
          name: row.name,
          drop: `ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(row.name)}`,
          create: `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(row.name)} ${row.definition}`,
          dropMarker: 'DROP CONSTRAINT',
        },
  );
}
