/**
 * Statements that lose data or break the version of the app that is still running while the migration
 * applies (it still reads the old names and columns). Not size-aware: an empty table loses nothing, but
 * the running code breaks all the same.
 */
import type { LintRule } from '../lint-rule';
import { columnConstraints, list, relationKey, strings, as } from '../parse-tree';
import { alterCommands, dropObjects, existingRelation } from './rule-helpers';

const DROP_LATER = 'Stop using it first and drop it in a later release, reviewed: mark that migration allowDestructive.';

export const banDropTable: LintRule = {
  id: 'ban-drop-table',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'DROP TABLE or DROP MATERIALIZED VIEW: the data is gone and running code that reads it fails.',
  safe: DROP_LATER,
  squawk: 'ban-drop-table',
  statement: ({ kind, node }) => {
    if (kind !== 'DropStmt') return [];
    const label = node.removeType === 'OBJECT_TABLE' ? 'DROP TABLE' : node.removeType === 'OBJECT_MATVIEW' ? 'DROP MATERIALIZED VIEW' : undefined;
    if (!label) return [];
    return dropObjects(node).map((relation) => ({ message: `${label} deletes its data`, relation }));
  },
};

export const banDropSchema: LintRule = {
  id: 'ban-drop-schema',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'DROP SCHEMA: every table in it goes, with its data.',
  safe: DROP_LATER,
  statement: ({ kind, node }) => (kind === 'DropStmt' && node.removeType === 'OBJECT_SCHEMA' ? [{ message: 'DROP SCHEMA deletes its data' }] : []),
};

export const banDropDatabase: LintRule = {
  id: 'ban-drop-database',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'DROP DATABASE in a migration.',
  safe: 'Drop databases by hand, never from a migration.',
  squawk: 'ban-drop-database',
  statement: ({ kind, node }) => (kind === 'DropdbStmt' ? [{ message: `DROP DATABASE ${String(node.dbname)} deletes every table in it` }] : []),
};

export const banDropColumn: LintRule = {
  id: 'ban-drop-column',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'ALTER TABLE ... DROP COLUMN: the data is gone and running code that selects the column fails.',
  safe: 'Stop reading the column first, then drop it in a later release: mark that migration allowDestructive.',
  squawk: 'ban-drop-column',
  strongMigrations: 'remove_column',
  statement: ({ kind, node }) => {
    if (kind !== 'AlterTableStmt') return [];
    const table = relationKey(node.relation);
    return alterCommands(node)
      .filter((cmd) => cmd.subtype === 'AT_DropColumn')
      .map((cmd) => ({ message: `DROP COLUMN ${String(cmd.name)} deletes its data`, relation: table }));
  },
};

export const banTruncate: LintRule = {
  id: 'ban-truncate',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'TRUNCATE: every row of the table is gone.',
  safe: 'Delete rows in a data migration you have reviewed, or mark the migration allowDestructive.',
  statement: ({ kind, node }) => {
    if (kind !== 'TruncateStmt' || node.behavior === 'DROP_CASCADE') return [];
    return list(node.relations).map((relation) => ({ message: 'TRUNCATE empties the table', relation: relationKey(relation) }));
  },
};

export const banTruncateCascade: LintRule = {
  id: 'ban-truncate-cascade',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'TRUNCATE ... CASCADE: also empties every table that references it, and the ones referencing those.',
  safe: 'Truncate the tables you mean by name, without CASCADE, in a reviewed data migration.',
  squawk: 'ban-truncate-cascade',
  statement: ({ kind, node }) => {
    if (kind !== 'TruncateStmt' || node.behavior !== 'DROP_CASCADE') return [];
    return list(node.relations).map((relation) => ({
      message: 'TRUNCATE ... CASCADE empties the table and every table that references it, transitively',
      relation: relationKey(relation),
    }));
  },
};

const EXPAND_CONTRACT = (what: string) =>
  `Add the new ${what}, copy, and drop the old one in a later release (expand/contract), or mark the migration allowDestructive.`;

export const renamingColumn: LintRule = {
  id: 'renaming-column',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'ALTER TABLE ... RENAME COLUMN: the running app still uses the old name.',
  safe: EXPAND_CONTRACT('column'),
  squawk: 'renaming-column',
  strongMigrations: 'rename_column',
  statement: ({ kind, node }) =>
    kind === 'RenameStmt' && node.renameType === 'OBJECT_COLUMN'
      ? [{ message: 'RENAME of a column breaks the running version of the app, which still uses the old name', relation: relationKey(node.relation) }]
      : [],
};

export const renamingTable: LintRule = {
  id: 'renaming-table',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'ALTER TABLE ... RENAME TO: the running app still uses the old name.',
  safe: `${EXPAND_CONTRACT('table')} A view with the new name over the old table bridges the deploy.`,
  squawk: 'renaming-table',
  strongMigrations: 'rename_table',
  statement: ({ kind, node }) =>
    kind === 'RenameStmt' && node.renameType === 'OBJECT_TABLE'
      ? [{ message: 'RENAME of a table breaks the running version of the app, which still uses the old name', relation: relationKey(node.relation) }]
      : [],
};

export const renamingSchema: LintRule = {
  id: 'renaming-schema',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'ALTER SCHEMA ... RENAME TO: every query of the running app that names the schema fails.',
  safe: 'Create the new schema, write to both, backfill, move reads, then drop the old one.',
  strongMigrations: 'rename_schema',
  statement: ({ kind, node }) =>
    kind === 'RenameStmt' && node.renameType === 'OBJECT_SCHEMA'
      ? [{ message: `RENAME of schema ${String(node.subname)} breaks the running version of the app, which still uses the old name` }]
      : [],
};

export const renamingEnumValue: LintRule = {
  id: 'renaming-enum-value',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: "ALTER TYPE ... RENAME VALUE: the running app still writes and compares the old value.",
  safe: 'Add the new value next to the old one, make the app handle both, backfill, then stop using the old one.',
  strongMigrations: 'rename_enum_value',
  statement: ({ kind, node }) =>
    kind === 'AlterEnumStmt' && node.oldVal !== undefined
      ? [{ message: `RENAME VALUE '${String(node.oldVal)}' of enum ${strings(node.typeName).join('.')} breaks code that uses the old value` }]
      : [],
};

export const banDropNotNull: LintRule = {
  id: 'ban-drop-not-null',
  group: 'destructive',
  level: 'warn',
  sizeAware: false,
  catches: 'ALTER COLUMN ... DROP NOT NULL: code that relies on the column never being NULL may break.',
  safe: 'Check every reader handles NULL first; or keep NOT NULL and write a marker value.',
  squawk: 'ban-drop-not-null',
  statement: ({ kind, node }) => {
    if (kind !== 'AlterTableStmt') return [];
    const table = relationKey(node.relation);
    return alterCommands(node)
      .filter((cmd) => cmd.subtype === 'AT_DropNotNull')
      .map((cmd) => ({ message: `DROP NOT NULL on ${table}.${String(cmd.name)} lets NULL into a column that code may assume is set`, relation: table }));
  },
};

export const addingRequiredField: LintRule = {
  id: 'adding-required-field',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'ADD COLUMN ... NOT NULL without a DEFAULT on an existing table: fails on a table with rows, and inserts by the running app (which does not know the column) fail.',
  safe: 'Add the column nullable (or NOT NULL with a constant DEFAULT), backfill, then enforce NOT NULL.',
  squawk: 'adding-required-field',
  statement: (context) => {
    const { kind, node } = context;
    if (kind !== 'AlterTableStmt') return [];
    const table = existingRelation(context, node.relation);
    if (!table) return [];
    return alterCommands(node).flatMap((cmd) => {
      const column = as(cmd.def, 'ColumnDef');
      if (cmd.subtype !== 'AT_AddColumn' || !column) return [];
      const constraints = columnConstraints(column);
      const types = constraints.map((c) => c.contype);
      const required = types.includes('CONSTR_NOTNULL') || types.includes('CONSTR_PRIMARY');
      const filled = types.includes('CONSTR_DEFAULT') || types.includes('CONSTR_GENERATED') || types.includes('CONSTR_IDENTITY');
      const serial = ['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8'].includes(strings((column.typeName as { names?: unknown })?.names).pop() ?? '');
      if (!required || filled || serial) return [];
      return [{ message: `ADD COLUMN ${String(column.colname)} NOT NULL without a DEFAULT on ${table} fails if it has rows, and the running app's inserts fail`, relation: table }];
    });
  },
};

export const DESTRUCTIVE_RULES: readonly LintRule[] = [
  banDropTable,
  banDropSchema,
  banDropDatabase,
  banDropColumn,
  banTruncate,
  banTruncateCascade,
  renamingColumn,
  renamingTable,
  renamingSchema,
  renamingEnumValue,
  banDropNotNull,
  addingRequiredField,
];
