import type { DataSource, QueryRunner, Table, TableColumn } from 'typeorm';
import type { TypeRef } from '../core/lint/lint-model';
import { typeFromCatalog } from '../core/lint/pg-types';
import { keepsEveryValue } from '../core/type-widening';
import { probing } from './savepoint-probe';
import { quoteIdent } from './sql-names';

/**
 * Column type changes that keep the data. TypeORM's PostgreSQL query runner turns any change of a column's type,
 * length or array-ness into DROP COLUMN + ADD COLUMN ("to avoid data conversion"): every value is lost. Here, a
 * change that PostgreSQL can cast is generated as `ALTER COLUMN ... TYPE` instead, and its down as the reverse
 * conversion; only a change with no cast either way is left to TypeORM's drop + add, and reported so that the
 * generator warns about it.
 *
 * Whether a cast exists is asked of PostgreSQL, on the shadow: a temporary column of the shadow column's exact
 * type is converted to the new type in a savepoint that is rolled back. Without a USING clause first: that is
 * PostgreSQL's assignment cast, which rejects a value that does not fit (`varchar(300)` -> `varchar(255)`,
 * `bigint` -> `integer`) instead of cutting it; then, only when PostgreSQL requires one (no assignment cast,
 * e.g. `text` -> `integer`), with `USING "column"::new_type`. The reverse conversion is probed the same way.
 */

/** One column whose type the entities changed. */
export interface TypeConversion {
  /** The table as TypeORM names it (`schema.table` outside the current schema). */
  table: string;
  column: string;
  /** Both types as PostgreSQL prints them (`format_type`). */
  from: string;
  to: string;
  /** Converted in place (`ALTER COLUMN ... TYPE`); false: dropped and added, its values lost. */
  kept: boolean;
  /** A kept conversion that cannot change or reject a value (int -> bigint, varchar(n) -> text ...). */
  widening: boolean;
  /** The up statement that converts the column (kept only). */
  sql?: string;
}

interface MemoryRunner {
  sqlInMemory: { upQueries: { query: string }[]; downQueries: { query: string }[] };
  escapePath(target: Table | string): string;
  getCachedTable(path: string): Promise<Table>;
  changeColumn(table: Table | string, oldColumn: TableColumn | string, newColumn: TableColumn): Promise<void>;
  // Enum types (the same on TypeORM 0.3 and 1.x).
  hasEnumType(table: Table, column: TableColumn): Promise<boolean>;
  createEnumTypeSql(table: Table, column: TableColumn, enumName?: string): { query: string };
  dropEnumTypeSql(table: Table, column: TableColumn, enumName?: string): { query: string };
  buildEnumName(table: Table, column: TableColumn): string;
  getUserDefinedTypeName(table: Table, column: TableColumn): Promise<{ schema: string; name: string }>;
}

/** Statements around the conversion itself: each an up and its down. */
type Pair = [up: string, down: string];

interface DriverLike {
  createFullType(column: TableColumn): string;
}

/** What PostgreSQL said about converting one column. */
interface Probe {
  from: string;
  to: string;
  fromRef: TypeRef;
  toRef: TypeRef;
  upUsing: boolean;
  downUsing: boolean;
  /** The column's default as stored, null when none. */
  storedDefault: string | null;
  /** The sequence that feeds a serial (or identity) column, as `pg_get_serial_sequence` names it. */
  sequence: string | null;
}

const ENUMS = new Set(['enum', 'simple-enum']);

/**
 * Wraps the memory-mode query runner's `changeColumn` (the schema builder's, during `log()`) so that type changes
 * keep data; every changed type is recorded in `found`.
 */
export function convertTypesInPlace(dataSource: DataSource, runner: MemoryRunner, found: TypeConversion[]): void {
  const changeColumn = runner.changeColumn.bind(runner);
  runner.changeColumn = async (tableOrName, oldColumnOrName, newColumn) => {
    const table = typeof tableOrName === 'string' ? await runner.getCachedTable(tableOrName) : tableOrName;
    const oldColumn = typeof oldColumnOrName === 'string' ? table.columns.find((column) => column.name === oldColumnOrName) : oldColumnOrName;
    if (!oldColumn || !typeChanged(oldColumn, newColumn)) return changeColumn(tableOrName, oldColumnOrName, newColumn);
    const path = runner.escapePath(table);
    // Generated (computed) columns are left to TypeORM (the expression goes with the column), and so are enum arrays
    // and changes between two enums (TypeORM converts those itself).
    const isEnum = (column: TableColumn) => ENUMS.has(column.type);
    const eligible =
      oldColumn.name === newColumn.name &&
      !oldColumn.generatedType &&
      !newColumn.generatedType &&
      !(isEnum(oldColumn) && isEnum(newColumn)) &&
      !(isEnum(oldColumn) && oldColumn.isArray) &&
      !(isEnum(newColumn) && newColumn.isArray);
    const enums = eligible ? await enumSteps(dataSource, runner, table, oldColumn, newColumn) : { before: [], after: [] };
    const newType = isEnum(newColumn) ? runner.buildEnumName(table, newColumn) : (dataSource.driver as unknown as DriverLike).createFullType(newColumn);
    const prepare = enums.before.map(([up]) => up);
    const probe = eligible ? await probeConversion(dataSource, path, oldColumn.name, newType, prepare) : undefined;
    if (probe && probe.from === probe.to) return changeColumn(tableOrName, oldColumnOrName, newColumn);
    if (!probe) {
      const from = eligible ? await columnType(dataSource, path, oldColumn.name) : undefined;
      found.push({ table: table.name, column: oldColumn.name, from: from ?? describe(oldColumn), to: describe(newColumn), kept: false, widening: false });
      return changeColumn(tableOrName, oldColumn, newColumn);
    }

    const column = `ALTER TABLE ${path} ALTER COLUMN ${quoteIdent(oldColumn.name)}`;
    const ident = quoteIdent(oldColumn.name);
    const up: string[] = enums.before.map(([forward]) => forward);
    const down: string[] = enums.before.map(([, backward]) => backward);
    // A serial column keeps its nextval() default; any other default is dropped around the conversion (it may not
    // convert by itself) and TypeORM then sets the entity's; the down restores the shadow's exact expression.
    const serial = oldColumn.isGenerated && oldColumn.generationStrategy === 'increment';
    const dropsDefault = probe.storedDefault !== null && !serial;
    if (dropsDefault) {
      up.push(`${column} DROP DEFAULT`);
      down.push(`${column} SET DEFAULT ${probe.storedDefault}`);
    }
    const sql = `${column} TYPE ${probe.to}${probe.upUsing ? ` USING ${ident}::${probe.to}` : ''}`;
    up.push(sql);
    down.push(`${column} TYPE ${probe.from}${probe.downUsing ? ` USING ${ident}::${probe.from}` : ''}`);
    if (serial && probe.sequence && INTEGERS.has(probe.toRef.name) && INTEGERS.has(probe.fromRef.name) && !probe.toRef.array) {
      // The sequence behind a serial column has the column's type: widen (or narrow) it with the column.
      up.push(`ALTER SEQUENCE ${probe.sequence} AS ${probe.to}`);
      down.push(`ALTER SEQUENCE ${probe.sequence} AS ${probe.from}`);
    }
    for (const [forward, backward] of enums.after) {
      up.push(forward);
      down.push(backward);
    }
    // Down statements are reversed when the diff is written: pushed in the order of their up counterparts.
    for (const query of up) runner.sqlInMemory.upQueries.push({ query });
    for (const query of down) runner.sqlInMemory.downQueries.push({ query });
    found.push({
      table: table.name,
      column: oldColumn.name,
      from: probe.from,
      to: probe.to,
      kept: true,
      widening: keepsEveryValue(probe.fromRef, probe.toRef),
      sql,
    });

    // The rest of the change (nullability, default, uniqueness, comment ...) is TypeORM's, from the converted column.
    const converted = oldColumn.clone();
    converted.type = newColumn.type;
    converted.length = newColumn.length;
    converted.isArray = newColumn.isArray;
    converted.precision = newColumn.precision;
    converted.scale = newColumn.scale;
    converted.enum = newColumn.enum;
    converted.enumName = newColumn.enumName;
    if (dropsDefault) converted.default = undefined;
    await changeColumn(table, converted, newColumn);
    const stored = table.columns.find((candidate) => candidate.name === oldColumn.name);
    if (stored) Object.assign(stored, { type: newColumn.type, length: newColumn.length, isArray: newColumn.isArray, precision: newColumn.precision, scale: newColumn.scale });
  };
}

const INTEGERS = new Set(['int2', 'int4', 'int8']);

/**
 * To an enum: its type is created first (unless it exists), and dropped by the down. From an enum: its type is
 * dropped after the conversion when no other column uses it (as TypeORM's drop column does), and the down recreates
 * it with the shadow's values before converting back.
 */
async function enumSteps(dataSource: DataSource, runner: MemoryRunner, table: Table, oldColumn: TableColumn, newColumn: TableColumn): Promise<{ before: Pair[]; after: Pair[] }> {
  const before: Pair[] = [];
  const after: Pair[] = [];
  if (ENUMS.has(newColumn.type) && !(await runner.hasEnumType(table, newColumn))) {
    before.push([runner.createEnumTypeSql(table, newColumn).query, runner.dropEnumTypeSql(table, newColumn).query]);
  }
  if (ENUMS.has(oldColumn.type)) {
    const type = await runner.getUserDefinedTypeName(table, oldColumn);
    const name = `${quoteIdent(type.schema)}.${quoteIdent(type.name)}`;
    const users: { n: number }[] = await dataSource.query(
      `SELECT count(*)::int AS "n" FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
         JOIN pg_class c ON c.oid = a.attrelid AND c.relkind NOT IN ('i', 'I')
        WHERE (a.atttypid = $1::text::regtype OR t.typelem = $1::text::regtype) AND a.attnum > 0 AND NOT a.attisdropped
          AND NOT (a.attrelid = $2::text::regclass AND a.attname = $3)`,
      [name, runner.escapePath(table), oldColumn.name],
    );
    if (!users[0]?.n) after.push([runner.dropEnumTypeSql(table, oldColumn, name).query, runner.createEnumTypeSql(table, oldColumn, name).query]);
  }
  return { before, after };
}

/**
 * TypeORM's own test for "drop and add this column" (PostgresQueryRunner.changeColumn), without the generated-column
 * cases; and a precision or scale change, which TypeORM converts in place itself but without a down that restores
 * the exact type, nor a note saying whether values can change. Whether the type really differs is then settled by
 * PostgreSQL (the probe), so a spurious difference in TypeORM's reading changes nothing.
 */
function typeChanged(oldColumn: TableColumn, newColumn: TableColumn): boolean {
  return (
    oldColumn.type !== newColumn.type ||
    oldColumn.length !== newColumn.length ||
    oldColumn.isArray !== newColumn.isArray ||
    (oldColumn.precision ?? null) !== (newColumn.precision ?? null) ||
    (oldColumn.scale ?? null) !== (newColumn.scale ?? null)
  );
}

function describe(column: TableColumn): string {
  const size = column.length ? `(${column.length})` : '';
  return `${column.type}${size}${column.isArray ? '[]' : ''}`;
}

interface CatalogColumn {
  type: string;
  typname: string;
  typmod: number;
  array: boolean;
  stored: string | null;
  sequence: string | null;
}

const COLUMN_QUERY = `SELECT format_type(a.atttypid, a.atttypmod) AS "type",
        COALESCE(e.typname, t.typname) AS "typname", a.atttypmod AS "typmod", e.oid IS NOT NULL AS "array",
        pg_get_expr(d.adbin, d.adrelid) AS "stored", pg_get_serial_sequence($1::text, a.attname) AS "sequence"
   FROM pg_attribute a
   JOIN pg_type t ON t.oid = a.atttypid
   LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
   LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = $1::text::regclass AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped`;

async function catalogColumn(runner: QueryRunner, table: string, column: string): Promise<CatalogColumn | undefined> {
  const rows: CatalogColumn[] = await runner.query(COLUMN_QUERY, [table, column]);
  return rows[0];
}

async function columnType(dataSource: DataSource, table: string, column: string): Promise<string | undefined> {
  const runner = dataSource.createQueryRunner();
  try {
    return (await catalogColumn(runner, table, column))?.type;
  } finally {
    await runner.release();
  }
}

/** Converts a temporary column of the shadow column's type to `newType` and back; undefined when either way has no cast. */
async function probeConversion(dataSource: DataSource, table: string, column: string, newType: string, prepare: readonly string[]): Promise<Probe | undefined> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    try {
      // e.g. the enum type the column converts to; rolled back with the rest.
      for (const statement of prepare) await runner.query(statement);
      const current = await catalogColumn(runner, table, column);
      if (!current) return undefined;
      const probe = 'pg_temp.typeorm_type_probe';
      await runner.query(`CREATE TEMPORARY TABLE "typeorm_type_probe" ("c" ${current.type})`);
      const upUsing = await converts(runner, probe, newType);
      if (upUsing === undefined) return undefined;
      // The new type as PostgreSQL prints it, from the converted column itself.
      const target = await probing(runner, async () => {
        await runner.query(`ALTER TABLE ${probe} ALTER COLUMN "c" TYPE ${newType}${upUsing ? ` USING "c"::${newType}` : ''}`);
        const converted = await catalogColumn(runner, probe, 'c');
        if (!converted) return undefined;
        return { converted, downUsing: await converts(runner, probe, current.type) };
      });
      if (!target || target.downUsing === undefined) return undefined;
      const { converted, downUsing } = target;
      return {
        from: current.type,
        to: converted.type,
        fromRef: typeFromCatalog(current.typname, current.typmod, current.array),
        toRef: typeFromCatalog(converted.typname, converted.typmod, converted.array),
        upUsing,
        downUsing,
        storedDefault: current.stored,
        sequence: current.sequence,
      };
    } finally {
      await runner.rollbackTransaction();
    }
  } finally {
    await runner.release();
  }
}

/** false: converts without USING (assignment cast); true: only with `USING c::type`; undefined: no cast. */
async function converts(runner: QueryRunner, table: string, type: string): Promise<boolean | undefined> {
  const plain = await probing(runner, async () => {
    await runner.query(`ALTER TABLE ${table} ALTER COLUMN "c" TYPE ${type}`);
    return true;
  });
  if (plain) return false;
  const using = await probing(runner, async () => {
    await runner.query(`ALTER TABLE ${table} ALTER COLUMN "c" TYPE ${type} USING "c"::${type}`);
    return true;
  });
  return using ? true : undefined;
}
