/** Building, dropping and rebuilding indexes on tables that already exist. */
import type { LintRule } from '../lint-rule';
import { list, optionNames, relationKey } from '../parse-tree';
import { dropObjects, existingRelation } from './rule-helpers';

export const requireConcurrentIndexCreation: LintRule = {
  id: 'require-concurrent-index-creation',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'CREATE INDEX without CONCURRENTLY on an existing table: writes to the table wait while the index builds (SHARE lock).',
  safe: 'Use CREATE INDEX CONCURRENTLY in a migration with transaction = false.',
  squawk: 'require-concurrent-index-creation',
  strongMigrations: 'add_index, add_reference',
  statement: (context) => {
    const { kind, node } = context;
    if (kind !== 'IndexStmt' || node.concurrent) return [];
    const table = existingRelation(context, node.relation);
    if (!table) return [];
    return [{ message: `CREATE INDEX on ${table} without CONCURRENTLY blocks writes to the table while it builds`, relation: table }];
  },
};

export const requireConcurrentIndexDeletion: LintRule = {
  id: 'require-concurrent-index-deletion',
  group: 'lock-heavy',
  level: 'off',
  sizeAware: false,
  catches: 'DROP INDEX without CONCURRENTLY: takes an ACCESS EXCLUSIVE lock on the table (short, but it queues behind every running query).',
  safe: 'Use DROP INDEX CONCURRENTLY in a migration with transaction = false.',
  squawk: 'require-concurrent-index-deletion',
  strongMigrations: 'remove_index (opt-in)',
  statement: ({ kind, node, state }) => {
    if (kind !== 'DropStmt' || node.removeType !== 'OBJECT_INDEX' || node.concurrent) return [];
    return dropObjects(node)
      .filter((index) => !state.isNew(index))
      .map((index) => ({ message: `DROP INDEX ${index} without CONCURRENTLY locks its table against reads and writes`, relation: index }));
  },
};

export const requireConcurrentReindex: LintRule = {
  id: 'require-concurrent-reindex',
  group: 'lock-heavy',
  level: 'warn',
  sizeAware: true,
  catches: 'REINDEX without CONCURRENTLY: blocks writes to the table (and reads that would use the index) while it rebuilds.',
  safe: 'Use REINDEX ... CONCURRENTLY (PostgreSQL 12+) in a migration with transaction = false.',
  squawk: 'require-concurrent-reindex',
  statement: (context) => {
    const { kind, node } = context;
    if (kind !== 'ReindexStmt' || optionNames(node.params).includes('concurrently')) return [];
    const what = String(node.kind).replace('REINDEX_OBJECT_', '').toLowerCase();
    if (!node.relation) {
      const name = node.name ? ` ${String(node.name)}` : '';
      return [{ message: `REINDEX ${what.toUpperCase()}${name} without CONCURRENTLY locks every table it rebuilds` }];
    }
    const relation = existingRelation(context, node.relation);
    if (!relation) return [];
    return [{ message: `REINDEX ${what.toUpperCase()} ${relation} without CONCURRENTLY blocks writes while it rebuilds`, relation }];
  },
};

export const indexTooManyColumns: LintRule = {
  id: 'index-too-many-columns',
  group: 'style',
  level: 'warn',
  sizeAware: false,
  catches: 'A non-unique index on more than three columns: rarely faster than a narrower one, always bigger and slower to write.',
  safe: 'Start the index with the columns that narrow the results most, and keep it to three or fewer.',
  strongMigrations: 'add_index_columns (best practice)',
  statement: ({ kind, node }) => {
    if (kind !== 'IndexStmt' || node.unique || list(node.indexParams).length <= 3) return [];
    return [{ message: `index on ${relationKey(node.relation)} has ${list(node.indexParams).length} columns; more than three rarely helps` }];
  },
};

export const concurrentIndexCorruption: LintRule = {
  id: 'concurrent-index-corruption',
  group: 'destructive',
  level: 'block',
  sizeAware: false,
  catches: 'CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY on PostgreSQL 14.0 to 14.3, which can silently corrupt the index.',
  safe: 'Upgrade to PostgreSQL 14.4 or later before building indexes concurrently.',
  strongMigrations: 'add_index_corruption',
  statement: ({ kind, node, env }) => {
    const version = env.serverVersion;
    if (version === undefined || version < 140000 || version >= 140004) return [];
    const concurrent = (kind === 'IndexStmt' && node.concurrent) || (kind === 'ReindexStmt' && optionNames(node.params).includes('concurrently'));
    return concurrent ? [{ message: `concurrent index builds can corrupt indexes on PostgreSQL ${Math.floor(version / 10000)}.${version % 100}` }] : [];
  },
};

export const INDEX_RULES: readonly LintRule[] = [
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentReindex,
  indexTooManyColumns,
  concurrentIndexCorruption,
];
