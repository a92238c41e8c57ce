/** Statements that hold a strong lock on a whole existing table for as long as they work on it. */
import type { LintRule } from '../lint-rule';
import { as, list, optionNames, relationKey, strings } from '../parse-tree';
import { alterCommands, existingRelation } from './rule-helpers';

/** PostgreSQL's lock modes, as `LockStmt.mode` numbers them (src/include/storage/lockdefs.h). */
const LOCK_MODES = ['', 'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];
/** SHARE and stronger modes stop writes. */
const BLOCKS_WRITES = 5;

export const preferRepack: LintRule = {
  id: 'prefer-repack',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'VACUUM FULL or CLUSTER: the table is rewritten under an ACCESS EXCLUSIVE lock, blocking reads and writes.',
  safe: 'Use pg_repack (or REPACK CONCURRENTLY on PostgreSQL 19+) outside the migration; a migration has no business compacting tables.',
  squawk: 'prefer-repack',
  statement: (context) => {
    const { kind, node } = context;
    if (kind === 'VacuumStmt' && optionNames(node.options).includes('full')) {
      const rels = list(node.rels).map((rel) => as(rel, 'VacuumRelation')?.relation);
      if (!rels.length) return [{ message: 'VACUUM FULL rewrites every table of the database under ACCESS EXCLUSIVE locks' }];
      return rels
        .map((rel) => existingRelation(context, rel))
        .filter((table): table is string => !!table)
        .map((table) => ({ message: `VACUUM FULL rewrites ${table} under an ACCESS EXCLUSIVE lock`, relation: table }));
    }
    if (kind === 'ClusterStmt') {
      if (!node.relation) return [{ message: 'CLUSTER rewrites every clustered table under ACCESS EXCLUSIVE locks' }];
      const table = existingRelation(context, node.relation);
      return table ? [{ message: `CLUSTER rewrites ${table} under an ACCESS EXCLUSIVE lock`, relation: table }] : [];
    }
    return [];
  },
};

export const rewritingTable: LintRule = {
  id: 'rewriting-table',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'ALTER TABLE ... SET TABLESPACE, SET LOGGED / UNLOGGED, SET ACCESS METHOD on an existing table: the table is copied under an ACCESS EXCLUSIVE lock.',
  safe: 'Do it in a maintenance window, or move the data with a new table and a backfill.',
  statement: (context) => {
    const { kind, node } = context;
    if (kind !== 'AlterTableStmt') return [];
    const table = existingRelation(context, node.relation);
    if (!table) return [];
    const rewrites: Record<string, string> = {
      AT_SetTableSpace: 'SET TABLESPACE',
      AT_SetLogged: 'SET LOGGED',
      AT_SetUnLogged: 'SET UNLOGGED',
      AT_SetAccessMethod: 'SET ACCESS METHOD',
    };
    return alterCommands(node)
      .filter((cmd) => rewrites[String(cmd.subtype)])
      .map((cmd) => ({ message: `${rewrites[String(cmd.subtype)]} copies ${table} under an ACCESS EXCLUSIVE lock`, relation: table }));
  },
};

export const banLockTable: LintRule = {
  id: 'ban-lock-table',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: false,
  catches: 'LOCK TABLE in SHARE mode or stronger (ACCESS EXCLUSIVE by default): writes (or reads) wait until the migration commits.',
  safe: 'Leave locking to the statements that need it; if you must, lock as late and as briefly as possible, with a lock_timeout.',
  statement: (context) => {
    const { kind, node } = context;
    const mode = Number(node.mode ?? 8);
    if (kind !== 'LockStmt' || mode < BLOCKS_WRITES) return [];
    return list(node.relations)
      .map((rel) => existingRelation(context, rel))
      .filter((table): table is string => !!table)
      .map((table) => ({
        message: `LOCK TABLE ${table} IN ${LOCK_MODES[mode] ?? 'ACCESS EXCLUSIVE'} MODE blocks ${mode === 8 ? 'reads and writes' : 'writes'} until the migration commits`,
        relation: table,
      }));
  },
};

export const requireConcurrentPartitionDetach: LintRule = {
  id: 'require-concurrent-partition-detach',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: false,
  catches: 'ALTER TABLE ... DETACH PARTITION without CONCURRENTLY: an ACCESS EXCLUSIVE lock on the partitioned table.',
  safe: 'DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) in a migration with transaction = false.',
  squawk: 'require-concurrent-partition-detach',
  statement: (context) => {
    const { kind, node } = context;
    if (kind !== 'AlterTableStmt') return [];
    const table = existingRelation(context, node.relation);
    if (!table) return [];
    return alterCommands(node)
      .filter((cmd) => cmd.subtype === 'AT_DetachPartition' && !as(cmd.def, 'PartitionCmd')?.concurrent)
      .map((cmd) => ({
        message: `DETACH PARTITION ${relationKey(as(cmd.def, 'PartitionCmd')?.name)} without CONCURRENTLY locks ${table} against reads and writes`,
        relation: table,
      }));
  },
};

export const requireConcurrentRefresh: LintRule = {
  id: 'require-concurrent-refresh',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY on an existing view: reads of the view wait until it is rebuilt.',
  safe: 'REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view), or refresh outside the migration.',
  statement: (context) => {
    const { kind, node } = context;
    if (kind !== 'RefreshMatViewStmt' || node.concurrent) return [];
    const view = existingRelation(context, node.relation);
    return view ? [{ message: `REFRESH MATERIALIZED VIEW ${view} without CONCURRENTLY blocks reads of it while it rebuilds`, relation: view }] : [];
  },
};

export const backfillUnderLock: LintRule = {
  id: 'backfill-under-lock',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'UPDATE / DELETE / INSERT ... SELECT on a table that the same transaction altered or locked: the whole backfill runs while the ALTER\'s lock is held.',
  safe: 'Backfill in a separate migration with transaction = false, in batches.',
  strongMigrations: 'backfilling data (documented, not detected)',
  statement: (context) => {
    const { kind, node, state } = context;
    if (!['UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt'].includes(kind) || !state.inTransaction) return [];
    const table = existingRelation(context, node.relation);
    if (!table || !state.lockedInTransaction(table)) return [];
    return [{ message: `${kind.replace('Stmt', '').toUpperCase()} on ${table} runs while this transaction holds the lock its ALTER took`, relation: table }];
  },
};

export const banAlterDomainWithAddConstraint: LintRule = {
  id: 'ban-alter-domain-with-add-constraint',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: false,
  catches: 'ALTER DOMAIN ... ADD CONSTRAINT (validated): every column of every table that uses the domain is checked.',
  safe: 'Put the constraint on the columns themselves (NOT VALID, then VALIDATE); or add it to the domain NOT VALID.',
  squawk: 'ban-alter-domain-with-add-constraint',
  statement: ({ kind, node }) => {
    if (kind !== 'AlterDomainStmt' || node.subtype !== 'C') return [];
    if (as(node.def, 'Constraint')?.skip_validation) return [];
    return [{ message: `ALTER DOMAIN ${strings(node.typeName).join('.')} ADD CONSTRAINT checks every column of that domain in every table` }];
  },
};

export const TABLE_LOCK_RULES: readonly LintRule[] = [
  preferRepack,
  rewritingTable,
  banLockTable,
  requireConcurrentPartitionDetach,
  requireConcurrentRefresh,
  backfillUnderLock,
  banAlterDomainWithAddConstraint,
];
