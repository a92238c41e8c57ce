/** Every built-in lint rule, in the order findings are reported for a statement. */
import type { LintRule } from '../lint-rule';
import { ACCEPT_RULES } from './accept.rules';
import { COLUMN_RULES } from './column.rules';
import { CONSTRAINT_RULES } from './constraint.rules';
import { DESTRUCTIVE_RULES } from './destructive.rules';
import { INDEX_RULES } from './index.rules';
import { STYLE_RULES } from './style.rules';
import { TABLE_LOCK_RULES } from './table-lock.rules';
import { TIMEOUT_RULES } from './timeout.rules';
import { TRANSACTION_RULES } from './transaction.rules';
import { UNJUDGEABLE_RULES } from './unjudgeable.rules';

export const LINT_RULES: readonly LintRule[] = [
  ...DESTRUCTIVE_RULES,
  ...COLUMN_RULES,
  ...INDEX_RULES,
  ...CONSTRAINT_RULES,
  ...TABLE_LOCK_RULES,
  ...TRANSACTION_RULES,
  ...TIMEOUT_RULES,
  ...UNJUDGEABLE_RULES,
  ...STYLE_RULES,
  ...ACCEPT_RULES,
];

export const RULES_BY_ID: ReadonlyMap<string, LintRule> = new Map(LINT_RULES.map((rule) => [rule.id, rule]));
