/** Adding and changing columns of tables that already exist: what rewrites the table, and what does not. */
import type { Node, RuleHit, TypeRef } from '../lint-model';
import type { LintRule, StatementContext } from '../lint-rule';
import { as, calledFunctions, columnConstraints, strings } from '../parse-tree';
import { formatType, SERIAL_TYPES, typeChangeEffect, typeFromTree, writtenTypeName } from '../pg-types';
import { alterCommands, existingRelation } from './rule-helpers';

/** Functions known to be VOLATILE, for when the database cannot be asked (pg_proc.provolatile = 'v'). */
const KNOWN_VOLATILE = new Set([
  'random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuidv4', 'uuidv7',
  'clock_timestamp', 'timeofday', 'nextval', 'setval', 'currval', 'lastval', 'txid_current', 'pg_current_xact_id',
]);

/** Columns an ALTER TABLE adds to an existing table. */
function addedColumns(context: StatementContext): { table: string; column: Node }[] {
  const { kind, node } = context;
  if (kind !== 'AlterTableStmt') return [];
  const table = existingRelation(context, node.relation);
  if (!table) return [];
  return alterCommands(node)
    .filter((cmd) => cmd.subtype === 'AT_AddColumn')
    .map((cmd) => ({ table, column: as(cmd.def, 'ColumnDef') as Node }))
    .filter(({ column }) => !!column);
}

/** The first function of a default expression that is (or, unknown to the database, may be) volatile. */
function volatileFunction(context: StatementContext, expr: unknown): string | undefined {
  const known = context.env.functionVolatility;
  return calledFunctions(expr).find((name) => (known ? (known.get(name) ?? 'v') === 'v' : KNOWN_VOLATILE.has(name)));
}

export const addingFieldWithDefault: LintRule = {
  id: 'adding-field-with-default',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ADD COLUMN with a VOLATILE default (random(), gen_random_uuid(), clock_timestamp() ...) on an existing table: the table is rewritten under an ACCESS EXCLUSIVE lock. A constant or STABLE default (now()) is free since PostgreSQL 11.',
  safe: 'Add the column without a default, set the default, then backfill in batches.',
  squawk: 'adding-field-with-default',
  strongMigrations: 'add_column_default_callable, add_column_default (PostgreSQL < 11)',
  statement: (context) =>
    addedColumns(context).flatMap(({ table, column }): RuleHit[] => {
      const defaultConstraint = columnConstraints(column).find((c) => c.contype === 'CONSTR_DEFAULT');
      if (!defaultConstraint) return [];
      const fn = volatileFunction(context, defaultConstraint.raw_expr);
      if (fn) return [{ message: `column ${table}.${String(column.colname)} with volatile default ${fn}() rewrites the whole table`, relation: table }];
      // Before PostgreSQL 11 every default was written into every row.
      const version = context.env.serverVersion;
      if (version !== undefined && version < 110000) return [{ message: `column ${table}.${String(column.colname)} with a default rewrites the whole table before PostgreSQL 11`, relation: table }];
      return [];
    }),
};

export const addingStoredGeneratedColumn: LintRule = {
  id: 'adding-stored-generated-column',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ADD COLUMN ... GENERATED ALWAYS AS (...) STORED on an existing table: the table is rewritten under an ACCESS EXCLUSIVE lock.',
  safe: 'Add a plain column and fill it from a trigger, backfilling in batches (or a VIRTUAL generated column, PostgreSQL 18+).',
  squawk: 'adding-field-with-default (generated)',
  strongMigrations: 'add_column_generated_stored',
  statement: (context) =>
    addedColumns(context)
      .filter(({ column }) => columnConstraints(column).some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v'))
      .map(({ table, column }) => ({ message: `stored generated column ${table}.${String(column.colname)} rewrites the whole table`, relation: table })),
};

export const addingAutoIncrementColumn: LintRule = {
  id: 'adding-auto-increment-column',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ADD COLUMN of type serial/bigserial or GENERATED ... AS IDENTITY on an existing table: every row gets a value, so the table is rewritten under an ACCESS EXCLUSIVE lock.',
  safe: 'Create a new table with the column and move the data over (as for renaming a table), or add a nullable column and backfill it in batches.',
  strongMigrations: 'add_column_auto_incrementing',
  statement: (context) =>
    addedColumns(context)
      .filter(({ column }) => SERIAL_TYPES.has(writtenTypeName(column.typeName as Node)) || columnConstraints(column).some((c) => c.contype === 'CONSTR_IDENTITY'))
      .map(({ table, column }) => ({ message: `auto-incrementing column ${table}.${String(column.colname)} rewrites the whole table`, relation: table })),
};

export const preferJsonb: LintRule = {
  id: 'prefer-jsonb',
  group: 'style',
  level: 'warn',
  sizeAware: false,
  catches: 'A json column added to an existing table: json has no equality operator, so SELECT DISTINCT and UNION in existing queries fail.',
  safe: 'Use jsonb.',
  strongMigrations: 'add_column_json',
  statement: (context) =>
    addedColumns(context)
      .filter(({ column }) => typeFromTree(column.typeName as Node).name === 'json')
      .map(({ table, column }) => ({ message: `json column ${table}.${String(column.colname)} breaks DISTINCT and UNION over the table`, relation: table })),
};

/** Does the USING expression produce anything but the column's own value (cast to the new type)? */
function usingChangesValue(using: unknown, column: string, to: TypeRef): boolean {
  if (!using) return false;
  const isColumn = (expr: unknown) => {
    const fields = strings(as(expr, 'ColumnRef')?.fields);
    return fields.length === 1 && fields[0] === column;
  };
  if (isColumn(using)) return false;
  const cast = as(using, 'TypeCast');
  if (cast && isColumn(cast.arg)) {
    const target = typeFromTree(cast.typeName as Node);
    return formatType(target) !== formatType(to);
  }
  return true;
}

export const changingColumnType: LintRule = {
  id: 'changing-column-type',
  group: 'destructive',
  level: 'block',
  sizeAware: true,
  catches: 'ALTER COLUMN ... TYPE that rewrites an existing table (int -> bigint, varchar(n) -> varchar(m<n), numeric scale changes, timestamp <-> timestamptz outside a UTC session ...). Changes PostgreSQL makes without a rewrite (varchar(n) -> varchar(m>n), varchar -> text, numeric(p,s) -> numeric(p2>p,s), more time precision, cidr -> inet) are not reported.',
  safe: 'Add a column of the new type, write to both, backfill in batches, switch reads, then drop the old one; or mark the reviewed migration allowDestructive.',
  squawk: 'changing-column-type',
  strongMigrations: 'change_column',
  statement: (context) => {
    const { kind, node, state, env } = context;
    if (kind !== 'AlterTableStmt') return [];
    const table = existingRelation(context, node.relation);
    if (!table) return [];
    return alterCommands(node)
      .filter((cmd) => cmd.subtype === 'AT_AlterColumnType')
      .flatMap((cmd): RuleHit[] => {
        const column = String(cmd.name);
        const def = as(cmd.def, 'ColumnDef') ?? {};
        const to = typeFromTree(def.typeName as Node);
        const from = state.columnType(table, column);
        const label = `${table}.${column}`;
        if (!from) {
          return [{ message: `changing the type of ${label} to ${formatType(to)}: cannot tell whether it rewrites the table (the column's current type is unknown)`, relation: table }];
        }
        const info = state.column(table, column);
        const collation = strings((def.collClause as Node | undefined)?.collname).join('.');
        const effect = typeChangeEffect({
          from,
          to,
          usingChangesValue: usingChangesValue(def.raw_default, column, to),
          collationChanges: collation !== '' && collation !== (info?.collation ?? ''),
          sessionUtc: state.timeZoneUtc,
          serverVersion: env.serverVersion,
        });
        const change = `changing the type of ${label} from ${formatType(from)} to ${formatType(to)}`;
        if (effect === 'rewrite') return [{ message: `${change} rewrites the table and its indexes under an ACCESS EXCLUSIVE lock`, relation: table }];
        if (effect === 'index-rebuild' && info?.indexed !== false) {
          return [{ message: `${change} rebuilds the column's indexes under an ACCESS EXCLUSIVE lock`, relation: table, hint: 'Build the new index CONCURRENTLY first, or change the type while the table is small.' }];
        }
        if (info?.checked) {
          return [{ message: `${change} needs no rewrite, but re-checks the CHECK constraints on the column under an ACCESS EXCLUSIVE lock`, relation: table, hint: 'Drop the CHECK constraints, change the type, then add them back NOT VALID and VALIDATE them.' }];
        }
        return [];
      });
  },
};

export const COLUMN_RULES: readonly LintRule[] = [
  addingFieldWithDefault,
  addingStoredGeneratedColumn,
  addingAutoIncrementColumn,
  preferJsonb,
  changingColumnType,
];
