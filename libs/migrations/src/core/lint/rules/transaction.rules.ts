/**
 * Transactions. A migration runs in its own transaction unless it sets `transaction = false`; the rules
 * know which (`MigrationToLint.transactional`) and follow explicit BEGIN / COMMIT inside one that does not.
 */
import type { LintRule } from '../lint-rule';
import { as, optionNames } from '../parse-tree';
import { alterCommands } from './rule-helpers';

/** What PostgreSQL refuses inside a transaction block, by statement. */
function transactionFree(kind: string, node: Record<string, unknown>): string | undefined {
  switch (kind) {
    case 'IndexStmt':
      return node.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return node.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined;
    case 'ReindexStmt':
      return optionNames(node.params).includes('concurrently') ? 'REINDEX CONCURRENTLY' : undefined;
    case 'VacuumStmt':
      return node.is_vacuumcmd ? 'VACUUM' : undefined;
    case 'AlterTableStmt':
      return alterCommands(node).some((cmd) => cmd.subtype === 'AT_DetachPartition' && as(cmd.def, 'PartitionCmd')?.concurrent)
        ? 'DETACH PARTITION CONCURRENTLY'
        : undefined;
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    default:
      return undefined;
  }
}

export const outsideTransactionOnly: LintRule = {
  id: 'outside-transaction-only',
  group: 'transaction',
  level: 'block',
  sizeAware: false,
  catches: 'CREATE INDEX CONCURRENTLY (and DROP INDEX / REINDEX / DETACH PARTITION CONCURRENTLY, VACUUM, CREATE DATABASE ...) in a migration that runs in a transaction: PostgreSQL refuses it, the migration fails.',
  safe: 'Put it in a migration of its own with `transaction = false`.',
  squawk: 'ban-concurrent-index-creation-in-transaction',
  strongMigrations: 'add_index (disable_ddl_transaction!)',
  statement: ({ kind, node, state, migration }) => {
    const what = transactionFree(kind, node);
    if (!what || !state.inTransaction) return [];
    const where = migration.transactional ? 'this migration runs in a transaction' : 'it follows a BEGIN';
    return [{ message: `${what} cannot run inside a transaction block, and ${where}: the migration fails` }];
  },
};

export const transactionNesting: LintRule = {
  id: 'transaction-nesting',
  group: 'transaction',
  level: 'block',
  sizeAware: false,
  catches: 'BEGIN / COMMIT / ROLLBACK inside a migration that runs in a transaction: COMMIT ends the runner\'s transaction early, so the migration and its ledger row no longer apply together.',
  safe: 'Remove them; for statements that need their own transactions, use `transaction = false`.',
  squawk: 'transaction-nesting',
  statement: ({ kind, node, migration }) => {
    if (kind !== 'TransactionStmt' || !migration.transactional) return [];
    const type = String(node.kind);
    if (type === 'TRANS_STMT_BEGIN' || type === 'TRANS_STMT_START') return [{ message: 'BEGIN inside the migration\'s own transaction does nothing but warn; a COMMIT after it would end that transaction' }];
    if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE', 'TRANS_STMT_COMMIT_PREPARED', 'TRANS_STMT_ROLLBACK_PREPARED'].includes(type)) {
      return [{ message: `${type.replace('TRANS_STMT_', '').replace('_', ' ')} ends the migration's own transaction: what follows, and the ledger row, are no longer atomic with it` }];
    }
    return [];
  },
};

export const banUncommittedTransaction: LintRule = {
  id: 'ban-uncommitted-transaction',
  group: 'transaction',
  level: 'block',
  sizeAware: false,
  catches: 'A `transaction = false` migration that BEGINs a transaction and never COMMITs it: its changes are rolled back when the session ends.',
  safe: 'COMMIT every transaction you begin.',
  squawk: 'ban-uncommitted-transaction',
  migrationEnd: ({ migration, state }) =>
    !migration.transactional && state.inTransaction ? [{ message: 'a BEGIN without a COMMIT: the statements after it are never committed' }] : [],
};

export const preferRobustStmts: LintRule = {
  id: 'prefer-robust-stmts',
  group: 'transaction',
  level: 'warn',
  sizeAware: false,
  catches: 'In a migration that runs outside a transaction, CREATE / ADD COLUMN without IF NOT EXISTS and DROP without IF EXISTS: after a partial failure the retry fails on what the first attempt did.',
  safe: 'Use IF NOT EXISTS / IF EXISTS (and drop an INVALID index left by a failed CONCURRENTLY build before retrying).',
  squawk: 'prefer-robust-stmts',
  statement: ({ kind, node, state }) => {
    if (state.inTransaction) return [];
    if ((kind === 'CreateStmt' || kind === 'IndexStmt') && !node.if_not_exists) {
      return [{ message: `${kind === 'CreateStmt' ? 'CREATE TABLE' : 'CREATE INDEX'} without IF NOT EXISTS outside a transaction fails when retried after a partial run` }];
    }
    if (kind === 'DropStmt' && !node.missing_ok) return [{ message: 'DROP without IF EXISTS outside a transaction fails when retried after a partial run' }];
    if (kind === 'AlterTableStmt') {
      const fragile = alterCommands(node).filter((cmd) => ['AT_AddColumn', 'AT_DropColumn', 'AT_DropConstraint'].includes(String(cmd.subtype)) && !cmd.missing_ok);
      return fragile.map((cmd) => ({
        message: `${String(cmd.subtype).replace('AT_', '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()} without ${cmd.subtype === 'AT_AddColumn' ? 'IF NOT EXISTS' : 'IF EXISTS'} outside a transaction fails when retried after a partial run`,
      }));
    }
    return [];
  },
};

export const TRANSACTION_RULES: readonly LintRule[] = [outsideTransactionOnly, transactionNesting, banUncommittedTransaction, preferRobustStmts];
