/**
 * Acceptances themselves. A finding is accepted by a marker in the statement
 * (`/* lint:accept <rule> reason: ... *\/`) or by `accept: [{ rule, reason }]` in the migration's metadata;
 * the engine (lint-engine.ts) applies them and reports these two rules when one is wrong or unused.
 */
import type { LintRule } from '../lint-rule';

export const invalidAccept: LintRule = {
  id: 'invalid-accept',
  group: 'accept',
  level: 'warn',
  sizeAware: false,
  catches: 'An acceptance without a reason, or naming a rule that does not exist: it accepts nothing.',
  safe: "Name the rule and say why: /* lint:accept <rule> reason: <why it is safe here> */, or accept: [{ rule, reason }].",
};

export const unusedAccept: LintRule = {
  id: 'unused-accept',
  group: 'accept',
  level: 'warn',
  sizeAware: false,
  catches: 'An acceptance whose rule found nothing in that statement (or migration): stale, or on the wrong statement.',
  safe: 'Remove it, or move it to the statement it is about.',
  squawk: 'unused-ignore',
};

export const ACCEPT_RULES: readonly LintRule[] = [invalidAccept, unusedAccept];
