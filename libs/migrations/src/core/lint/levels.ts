/**
 * Levels of the built-in rules from the `checks` option: a rule's own id first, then the alias of its
 * group (`destructive` and `lockHeavy` are the names the two original checks had), then its default.
 */
import type { CheckLevel } from '../safety';
import type { RuleGroup } from './lint-model';
import { RULES_BY_ID } from './rules';
import { editDistance } from '../similar-name';

/** Option keys that set every rule of a group. */
export const GROUP_ALIASES: Readonly<Record<string, RuleGroup>> = {
  destructive: 'destructive',
  lockHeavy: 'lock-heavy',
  transaction: 'transaction',
  timeout: 'timeout',
  style: 'style',
  unjudgeable: 'unjudgeable',
  accept: 'accept',
};

/** squawk's `require-timeout-settings` stands for both timeout rules. */
export const RULE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'require-timeout-settings': ['require-lock-timeout', 'require-statement-timeout'],
};

/** Check names that are not lint rules: the integrity check of applied migrations. */
const OTHER_CHECKS = ['integrity'];

/** Every name `checks` knows besides user checks. */
export function knownCheckNames(): string[] {
  return [...RULES_BY_ID.keys(), ...Object.keys(GROUP_ALIASES), ...Object.keys(RULE_ALIASES), ...OTHER_CHECKS];
}

export type LevelOf = (ruleId: string, defaultLevel: CheckLevel, group: RuleGroup) => CheckLevel;

/** The level of each rule under the given `checks` option. */
export function levelsFrom(checks: Readonly<Record<string, CheckLevel | undefined>>): LevelOf {
  const byGroup = new Map<RuleGroup, CheckLevel>();
  for (const [key, group] of Object.entries(GROUP_ALIASES)) {
    const level = checks[key];
    if (level) byGroup.set(group, level);
  }
  const byAlias = new Map<string, CheckLevel>();
  for (const [alias, ids] of Object.entries(RULE_ALIASES)) {
    const level = checks[alias];
    if (level) for (const id of ids) byAlias.set(id, level);
  }
  return (ruleId, defaultLevel, group) => checks[ruleId] ?? byAlias.get(ruleId) ?? byGroup.get(group) ?? defaultLevel;
}

/**
 * For a `checks` key that names no rule: the rule it was probably meant to be (a typo), if one is close.
 * Keys far from every rule are taken as the names of user checks (`@MigrationSafetyCheck`).
 */
export function closeCheckName(name: string): string | undefined {
  const known = knownCheckNames();
  if (known.includes(name)) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  const allowed = Math.max(1, Math.floor(name.length / 6));
  return best && best.distance <= allowed ? best.name : undefined;
}
