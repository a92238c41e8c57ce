import type { Finding } from '../safety';

/**
 * How a reviewed finding can be let through, in words for a person: the statement marker and the
 * revision's `accept` for a lint rule (and `allowDestructive` for the destructive ones), the level
 * option for a user check.
 */
export function howToAllow(finding: Pick<Finding, 'check' | 'rule'>): string {
  if (!finding.rule) return `set checks['${finding.check}'] to 'warn' once reviewed`;
  const ways = [
    `add /* lint:accept ${finding.rule} reason: <why> */ to the statement`,
    `add accept: [{ rule: '${finding.rule}', reason: '<why>' }] to the revision`,
  ];
  if (finding.check === 'destructive') ways.push('set allowDestructive: true in the revision');
  return ways.join(', or ');
}
