/**
 * Timeouts. A DDL statement that waits for its lock sits in the lock queue, and every query on the table
 * queues behind it: without `lock_timeout` one long-running read turns a 10 ms ALTER into an outage. The
 * runtime sets `lock_timeout` itself when configured (`runOnBoot.lockTimeoutMs`); then the rule is quiet.
 */
import type { Node } from '../lint-model';
import type { LintRule, StatementContext } from '../lint-rule';
import { optionNames } from '../parse-tree';
import { alterCommands, lockedRelations } from './rule-helpers';

/** Locks that normal reads and writes do not queue behind (SHARE UPDATE EXCLUSIVE and weaker). */
function weakLockOnly(kind: string, node: Node): boolean {
  if (kind === 'IndexStmt') return node.concurrent === true;
  if (kind === 'ReindexStmt') return optionNames(node.params).includes('concurrently');
  if (kind === 'DropStmt') return node.concurrent === true;
  if (kind === 'VacuumStmt') return !optionNames(node.options).includes('full');
  if (kind === 'AlterTableStmt') return alterCommands(node).every((cmd) => cmd.subtype === 'AT_ValidateConstraint');
  if (kind === 'LockStmt') return Number(node.mode ?? 8) < 4;
  return false;
}

/** The first existing table the statement must lock strongly, if any. */
function lockedExistingTable(context: StatementContext): string | undefined {
  const { kind, node, state } = context;
  if (weakLockOnly(kind, node)) return undefined;
  return lockedRelations(kind, node).find((key) => !state.isNew(key));
}

export const requireLockTimeout: LintRule = {
  id: 'require-lock-timeout',
  group: 'timeout',
  level: 'warn',
  sizeAware: false,
  catches: 'A migration that locks an existing table while no lock_timeout is set (neither by the runtime nor by the migration before that statement).',
  safe: "Let the runtime set it (runOnBoot.lockTimeoutMs), or start the migration with SET lock_timeout = '5s'.",
  squawk: 'require-lock-timeout (require-timeout-settings)',
  strongMigrations: 'lock_timeout (migration timeouts)',
  statement: (context) => {
    if (context.env.runtime.lockTimeoutMs > 0 || context.state.lockTimeoutSet) return [];
    const table = lockedExistingTable(context);
    if (!table || !context.once()) return [];
    return [{ message: `locks ${table} with no lock_timeout: if it has to wait, every query on the table waits behind it`, relation: table }];
  },
};

export const requireStatementTimeout: LintRule = {
  id: 'require-statement-timeout',
  group: 'timeout',
  level: 'off',
  sizeAware: false,
  catches: 'A migration that locks an existing table while no statement_timeout is set (neither by the runtime nor by the migration).',
  safe: "Let the runtime set it (runOnBoot.statementTimeoutMs), or start the migration with SET statement_timeout = '15min'.",
  squawk: 'require-statement-timeout (require-timeout-settings)',
  strongMigrations: 'statement_timeout (migration timeouts)',
  statement: (context) => {
    if (context.env.runtime.statementTimeoutMs > 0 || context.state.statementTimeoutSet) return [];
    const table = lockedExistingTable(context);
    if (!table || !context.once()) return [];
    return [{ message: `locks ${table} with no statement_timeout: a statement that runs long holds its lock as long`, relation: table }];
  },
};

export const TIMEOUT_RULES: readonly LintRule[] = [requireLockTimeout, requireStatementTimeout];
