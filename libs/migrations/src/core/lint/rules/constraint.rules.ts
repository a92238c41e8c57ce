/**
 * Constraints added to tables that already exist: each one is checked against every row, and unless it is
 * added NOT VALID (or on a prebuilt index), that check runs under a lock that stops writes or reads.
 */
import type { Node, RuleHit } from '../lint-model';
import type { LintRule, StatementContext } from '../lint-rule';
import { as, columnConstraints } from '../parse-tree';
import { alterCommands, existingRelation } from './rule-helpers';

const NOT_VALID = 'Add it NOT VALID, then VALIDATE CONSTRAINT in a separate migration.';

/** Constraints an ALTER TABLE adds to an existing table: `ADD CONSTRAINT` and inline ones of `ADD COLUMN`. */
function addedConstraints(context: StatementContext): { table: string; constraint: Node; column?: string }[] {
  const { kind, node } = context;
  if (kind !== 'AlterTableStmt') return [];
  const table = existingRelation(context, node.relation);
  if (!table) return [];
  return alterCommands(node).flatMap((cmd) => {
    if (cmd.subtype === 'AT_AddConstraint') {
      const constraint = as(cmd.def, 'Constraint');
      return constraint ? [{ table, constraint }] : [];
    }
    const column = as(cmd.def, 'ColumnDef');
    if (cmd.subtype !== 'AT_AddColumn' || !column) return [];
    return columnConstraints(column).map((constraint) => ({ table, constraint, column: String(column.colname) }));
  });
}

function constraintRule(contype: string, hit: (table: string, constraint: Node, column?: string) => RuleHit | undefined) {
  return (context: StatementContext): RuleHit[] =>
    addedConstraints(context)
      .filter(({ constraint }) => constraint.contype === contype)
      .map(({ table, constraint, column }) => hit(table, constraint, column))
      .filter((found): found is RuleHit => !!found);
}

export const addingForeignKeyConstraint: LintRule = {
  id: 'adding-foreign-key-constraint',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ADD FOREIGN KEY without NOT VALID on an existing table: every row is checked while writes to both tables wait.',
  safe: NOT_VALID,
  squawk: 'adding-foreign-key-constraint',
  strongMigrations: 'add_foreign_key',
  statement: constraintRule('CONSTR_FOREIGN', (table, constraint) =>
    constraint.skip_validation
      ? undefined
      : { message: `FOREIGN KEY on ${table} without NOT VALID checks every row while holding locks on both tables`, relation: table },
  ),
};

export const constraintMissingNotValid: LintRule = {
  id: 'constraint-missing-not-valid',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ADD CHECK without NOT VALID on an existing table: every row is checked under an ACCESS EXCLUSIVE lock.',
  safe: NOT_VALID,
  squawk: 'constraint-missing-not-valid',
  strongMigrations: 'add_check_constraint',
  statement: constraintRule('CONSTR_CHECK', (table, constraint) =>
    constraint.skip_validation
      ? undefined
      : { message: `CHECK constraint on ${table} without NOT VALID scans the table under an ACCESS EXCLUSIVE lock`, relation: table },
  ),
};

export const disallowedUniqueConstraint: LintRule = {
  id: 'disallowed-unique-constraint',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ADD UNIQUE without USING INDEX on an existing table: the unique index builds under an ACCESS EXCLUSIVE lock.',
  safe: 'CREATE UNIQUE INDEX CONCURRENTLY (transaction = false), then ADD CONSTRAINT ... UNIQUE USING INDEX.',
  squawk: 'disallowed-unique-constraint',
  strongMigrations: 'add_unique_constraint',
  statement: constraintRule('CONSTR_UNIQUE', (table, constraint, column) =>
    constraint.indexname
      ? undefined
      : { message: `UNIQUE ${column ? `column ${column}` : 'constraint'} on ${table} builds its index while reads and writes wait`, relation: table },
  ),
};

export const addingPrimaryKeyConstraint: LintRule = {
  id: 'adding-primary-key-constraint',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ADD PRIMARY KEY without USING INDEX on an existing table: the index builds under an ACCESS EXCLUSIVE lock (and NOT NULL is checked).',
  safe: 'CREATE UNIQUE INDEX CONCURRENTLY (transaction = false), then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.',
  squawk: 'adding-serial-primary-key-field',
  statement: constraintRule('CONSTR_PRIMARY', (table, constraint, column) =>
    constraint.indexname
      ? undefined
      : { message: `PRIMARY KEY ${column ? `column ${column}` : 'constraint'} on ${table} builds its index while reads and writes wait`, relation: table },
  ),
};

export const addingExclusionConstraint: LintRule = {
  id: 'adding-exclusion-constraint',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ADD EXCLUDE on an existing table: every row is checked under an ACCESS EXCLUSIVE lock, and it cannot be added NOT VALID.',
  safe: 'Add it while the table is small, or enforce the rule in a trigger first; there is no lock-free way.',
  strongMigrations: 'add_exclusion_constraint',
  statement: constraintRule('CONSTR_EXCLUSION', (table) => ({
    message: `EXCLUDE constraint on ${table} checks every row while reads and writes wait`,
    relation: table,
  })),
};

export const addingNotNullableField: LintRule = {
  id: 'adding-not-nullable-field',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ALTER COLUMN ... SET NOT NULL on an existing table: every row is scanned under an ACCESS EXCLUSIVE lock, unless a validated CHECK (col IS NOT NULL) proves it.',
  safe: 'Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (PostgreSQL 12+ skips the scan).',
  squawk: 'adding-not-nullable-field',
  strongMigrations: 'change_column_null',
  statement: (context) => {
    const { kind, node, state } = context;
    if (kind !== 'AlterTableStmt') return [];
    const table = existingRelation(context, node.relation);
    if (!table) return [];
    return alterCommands(node)
      .filter((cmd) => cmd.subtype === 'AT_SetNotNull' && !state.notNullChecked(table, String(cmd.name)))
      .map((cmd) => ({ message: `SET NOT NULL on ${table}.${String(cmd.name)} scans the table under an ACCESS EXCLUSIVE lock`, relation: table }));
  },
};

export const constraintValidatedUnderLock: LintRule = {
  id: 'constraint-validated-under-lock',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'VALIDATE CONSTRAINT in the same transaction that altered the table: the scan then runs under the ALTER\'s ACCESS EXCLUSIVE lock, which NOT VALID was meant to avoid.',
  safe: 'Validate in a separate migration (or after a COMMIT in a transaction = false migration).',
  squawk: 'constraint-missing-not-valid (same transaction)',
  strongMigrations: 'validate_foreign_key, validate_check_constraint',
  statement: (context) => {
    const { kind, node, state } = context;
    if (kind !== 'AlterTableStmt' || !state.inTransaction) return [];
    const table = existingRelation(context, node.relation);
    if (!table || !state.lockedInTransaction(table)) return [];
    return alterCommands(node)
      .filter((cmd) => cmd.subtype === 'AT_ValidateConstraint')
      .map((cmd) => ({ message: `VALIDATE CONSTRAINT ${String(cmd.name)} runs while this transaction still holds its lock on ${table}`, relation: table }));
  },
};

export const CONSTRAINT_RULES: readonly LintRule[] = [
  addingForeignKeyConstraint,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  addingPrimaryKeyConstraint,
  addingExclusionConstraint,
  addingNotNullableField,
  constraintValidatedUnderLock,
];
