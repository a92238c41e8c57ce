import { howToAllow } from './lint/allow';
import type { CheckLevel, Finding } from './safety';

/**
 * The migration policy: what must be true before pending migrations run. One policy, two entrances — the
 * boot hook and `db migrate` — each with its own settings (docs/options.md). Pure: the caller gathers the
 * facts (under the migration lock) and acts on the verdict.
 */
export interface PolicySettings {
  /** The database has revisions the code does not know (an older image after a newer one migrated). */
  onUnknownRevisions: 'fail' | 'continue';
  /** Refuse when more than this many migrations are pending. */
  maxPending?: number;
  /** Applied migrations whose SQL changed since they were applied. */
  integrity: CheckLevel;
  /** Blocking findings of destructive checks are accepted for this run (`--allow-destructive`). */
  allowDestructive?: boolean;
  /** Edited applied migrations are accepted for this run (`--accept-edited`). */
  acceptEdited?: boolean;
}

/** What the policy is judged on. */
export interface PolicyFacts {
  /** Revisions about to run. */
  pending: readonly string[];
  unknown: readonly string[];
  edited: readonly string[];
  /** Safety-check findings on the pending migrations, at their configured levels. */
  findings: readonly Finding[];
}

/** How a refused run can be allowed, per entrance. */
export interface Allowance {
  /** A `db migrate` flag. */
  flag?: string;
  /** Markers in the migration, in words (`add /* lint:accept ... *\/ to the statement, or ...`). */
  markers?: string;
  /** A module option. */
  option?: string;
}

export interface PolicyIssue {
  readonly code: 'unknown_revisions' | 'too_many_pending' | 'edited' | 'finding';
  readonly message: string;
  readonly allow: Allowance;
  /** The finding, for `finding` issues. */
  readonly finding?: Finding;
}

export interface PolicyVerdict {
  /** Each refuses the run; nothing is applied. */
  readonly refusals: readonly PolicyIssue[];
  readonly warnings: readonly PolicyIssue[];
}

/** Check names whose blocking findings `allowDestructive` accepts. */
export const DESTRUCTIVE_CHECKS: ReadonlySet<string> = new Set(['destructive']);

export function judgePolicy(facts: PolicyFacts, settings: PolicySettings): PolicyVerdict {
  const refusals: PolicyIssue[] = [];
  const warnings: PolicyIssue[] = [];
  if (facts.unknown.length) {
    const issue: PolicyIssue = {
      code: 'unknown_revisions',
      message:
        `Can't locate revision identified by '${facts.unknown[0]}'` +
        (facts.unknown.length > 1 ? ` (and ${facts.unknown.length - 1} more: ${facts.unknown.slice(1).join(', ')})` : '') +
        ': the database was migrated by newer code, or a migration file was deleted',
      allow: { option: 'onUnknownRevisions: continue' },
    };
    (settings.onUnknownRevisions === 'fail' ? refusals : warnings).push(issue);
  }
  if (settings.maxPending !== undefined && facts.pending.length > settings.maxPending) {
    refusals.push({
      code: 'too_many_pending',
      message: `${facts.pending.length} migrations are pending, more than maxPending (${settings.maxPending})`,
      allow: { option: 'maxPending' },
    });
  }
  if (facts.edited.length && settings.integrity !== 'off') {
    const issue: PolicyIssue = {
      code: 'edited',
      message: `Applied migration(s) edited since they were applied: ${facts.edited.join(', ')}`,
      allow: { flag: '--accept-edited', option: "checks.integrity: 'warn'" },
    };
    (settings.integrity === 'block' && !settings.acceptEdited ? refusals : warnings).push(issue);
  }
  for (const finding of facts.findings) {
    if (finding.accepted) continue;
    const destructive = DESTRUCTIVE_CHECKS.has(finding.check);
    const issue: PolicyIssue = {
      code: 'finding',
      message: `${finding.revision} ${finding.rule ?? finding.check}: ${finding.message}`,
      allow: {
        ...(destructive ? { flag: '--allow-destructive' } : {}),
        ...(finding.rule ? { markers: howToAllow(finding) } : {}),
        option: `checks['${finding.rule ?? finding.check}']`,
      },
      finding,
    };
    const accepted = destructive && settings.allowDestructive;
    (finding.level === 'block' && !accepted ? refusals : warnings).push(issue);
  }
  return { refusals, warnings };
}
