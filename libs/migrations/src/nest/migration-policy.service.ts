import { Inject, Injectable } from '@nestjs/common';
import type { ExclusiveRun } from '../adapter/runtime/migration-runtime';
import { PolicyRefusedError } from '../core/errors';
import { judgePolicy, type PolicyIssue, type PolicyVerdict } from '../core/policy';
import type { Step } from '../core/revision';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions, ResolvedPolicy } from './migrations-options';
import { SafetyChecksService } from './safety-checks.service';

/** Which entrance applies the policy: the boot hook or `db migrate`. Each has its own settings. */
export type Entrance = 'cli' | 'boot';

/** A run's request to the policy: the entrance, and what the operator accepts for this run. */
export interface PolicyRequest {
  entrance: Entrance;
  /** Accept blocking destructive findings (`db migrate --allow-destructive`). */
  allowDestructive?: boolean;
  /** Accept applied migrations edited since (`db migrate --accept-edited`). */
  acceptEdited?: boolean;
  /** Each warning the run goes on with (a finding at level warn, an edited migration, unknown revisions). */
  onWarning?: (issue: PolicyIssue) => void;
  /** Each issue that refuses the run, before the refusal is thrown (the error names the first). */
  onRefusal?: (issue: PolicyIssue) => void;
}

/**
 * The policy shared by the boot hook and `db migrate`: gathers the facts under the migration lock (unknown
 * revisions, edited migrations, safety findings on what is about to run), judges them with the entrance's
 * settings, reports warnings and refuses with the first blocking issue and how to allow it.
 */
@Injectable()
export class MigrationPolicyService {
  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly safety: SafetyChecksService,
  ) {}

  /** The settings of an entrance: session timeouts, retries, caps. */
  settings(entrance: Entrance): ResolvedPolicy {
    return entrance === 'boot' ? this.options.runOnBoot : this.options.cli;
  }

  /**
   * Judges a run before it starts. When an applying run (not a dry run) is allowed, checksums stored by an
   * older algorithm whose migration is unchanged are rewritten in the current one first.
   */
  async judge(run: ExclusiveRun, steps: readonly Step[], request: PolicyRequest, mode: 'apply' | 'dry-run' = 'apply'): Promise<PolicyVerdict> {
    const settings = this.settings(request.entrance);
    const integrity = this.options.checks.integrity;
    const up = steps.filter((step) => step.direction === 'up');
    const findings = up.length
      ? await this.safety.judge(
          up.map((step) => run.files.get(step.revision.id)),
          { lockTimeoutMs: settings.lockTimeoutMs, statementTimeoutMs: settings.statementTimeoutMs },
        )
      : [];
    const checked = integrity === 'off' ? undefined : await run.integrity();
    const verdict = judgePolicy(
      {
        pending: up.map((step) => step.revision.id),
        unknown: run.state.unknown,
        edited: checked?.edited ?? [],
        findings,
      },
      { ...settings, integrity, allowDestructive: request.allowDestructive, acceptEdited: request.acceptEdited },
    );
    if (checked && mode === 'apply' && !verdict.refusals.length) await checked.upgrade();
    return verdict;
  }

  /** Reports the warnings, then throws when anything refuses the run. */
  enforce(verdict: PolicyVerdict, request: PolicyRequest): void {
    for (const warning of verdict.warnings) request.onWarning?.(warning);
    for (const refusal of verdict.refusals) request.onRefusal?.(refusal);
    if (verdict.refusals.length) throw new PolicyRefusedError(verdict.refusals, request.entrance);
  }
}
