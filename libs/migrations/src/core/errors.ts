/**
 * Typed errors thrown by the core and the layers above it. Each carries its data and a message written
 * for the person at the terminal; the CLI prints `message` once and exits with `exitCode`.
 */
export abstract class MigrationsError extends Error {
  /** 1: the operation failed; 2: bad usage or refused by a safety rule. */
  abstract readonly exitCode: 1 | 2;
  /** Stable machine-readable code, used by `--json` output and tests. */
  abstract readonly code: string;
  /** Optional second line: what the user can do about it. */
  readonly hint?: string;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

export class UnknownRevisionError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'unknown_revision';
  constructor(readonly revision: string, hint?: string) {
    super(`Can't locate revision identified by '${revision}'`, hint ?? 'Run `db history` to list known revisions.');
  }
}

export class AmbiguousRevisionError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'ambiguous_revision';
  constructor(readonly prefix: string, readonly candidates: readonly string[]) {
    super(
      `Revision prefix '${prefix}' is ambiguous: it matches ${candidates.join(', ')}`,
      'Give more characters of the revision id.',
    );
  }
}

export class MultipleHeadsError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'multiple_heads';
  constructor(readonly heads: readonly string[], action = 'continue') {
    super(
      `Multiple head revisions are present: ${heads.join(', ')}; cannot ${action} with a single target`,
      `Merge them with \`db merge ${heads.join(' ')}\`, apply every branch with \`db migrate --to heads\`, ` +
        `or name one (e.g. \`db migrate --to ${heads[0]}\`).`,
    );
  }
}

export class DuplicateRevisionError extends MigrationsError {
  readonly exitCode = 1;
  readonly code = 'duplicate_revision';
  constructor(readonly revision: string, readonly sources: readonly string[] = []) {
    super(
      `Revision '${revision}' is defined more than once${sources.length ? ` (${sources.join(', ')})` : ''}`,
      'Give one of the files a new id.',
    );
  }
}

export class UnknownParentError extends MigrationsError {
  readonly exitCode = 1;
  readonly code = 'unknown_parent';
  constructor(readonly revision: string, readonly parent: string) {
    super(
      `Revision '${revision}' names parent '${parent}', which does not exist`,
      'Restore the missing migration file, or fix the parent id.',
    );
  }
}

export class CycleError extends MigrationsError {
  readonly exitCode = 1;
  readonly code = 'cycle';
  constructor(readonly cycle: readonly string[]) {
    super(`Revision graph has a cycle: ${cycle.join(' -> ')}`, 'Fix the parent ids so that history only goes forward.');
  }
}

export class InvalidTargetError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'invalid_target';
  constructor(readonly target: string, reason: string, hint?: string) {
    super(`Invalid target '${target}': ${reason}`, hint);
  }
}

export class NotEnoughAppliedError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'not_enough_applied';
  constructor(readonly requested: number, readonly available: number) {
    super(
      `Cannot roll back ${requested} revision${requested === 1 ? '' : 's'}: only ${available} ${available === 1 ? 'is' : 'are'} applied`,
      available > 0 ? `Use \`db rollback -s ${available}\` to return to base.` : 'Nothing is applied.',
    );
  }
}

export class UnknownAppliedRevisionError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'unknown_applied_revision';
  constructor(readonly revisions: readonly string[]) {
    super(
      `Can't locate revision identified by '${revisions[0]}'` +
        (revisions.length > 1 ? ` (and ${revisions.length - 1} more applied revision(s) the code does not know)` : ''),
      'The database was migrated by newer code, or a migration file was deleted. Check `db current`; ' +
        'deploy the code that has it, or `db stamp <known revision>` to reset the ledger.',
    );
  }
}

export class UsageError extends MigrationsError {
  readonly exitCode = 2;
  readonly code: string = 'usage';
}

export class OperationFailedError extends MigrationsError {
  readonly exitCode = 1;
  readonly code: string;
  constructor(message: string, hint?: string, code = 'operation_failed') {
    super(message, hint);
    this.code = code;
  }
}

export class NotUpToDateError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'not_up_to_date';
  constructor(readonly pending: number, readonly unknown: readonly string[]) {
    super(
      'Target database is not up to date.',
      unknown.length
        ? `The database has revision(s) the code does not know (${unknown.join(', ')}): \`db stamp head\` if the schema matches the code.`
        : `${pending} migration${pending === 1 ? ' is' : 's are'} pending: run \`db migrate\` first (or \`db stamp head\` if the database already has that schema), then retry.`,
    );
  }
}

export class UnregisteredEntitiesError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'unregistered_entities';
  constructor(readonly entities: readonly { file: string; className: string; decorator?: string }[]) {
    super(
      `${entities.length} entit${entities.length === 1 ? 'y is' : 'ies are'} declared but not registered: ` +
        entities.map((e) => `${e.className} (${e.file})`).join(', '),
      'No loaded module imports these files, so TypeORM cannot see them and the migration would miss them. ' +
        (entities.some((e) => e.decorator !== 'MigrationEntity')
          ? 'Declare them with @MigrationEntity() instead of @Entity() (same arguments: they then register themselves), ' +
            'or import each from a module (TypeOrmModule.forFeature([Entity])); or pass --allow-unregistered.'
          : 'Import each file from a module, or pass --allow-unregistered.'),
    );
  }
}

/** A run refused before anything ran: a safety rule blocked it. */
export class SafetyRefusalError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'refused';
  constructor(message: string, hint?: string) {
    super(message, hint);
  }
}

/**
 * The migration policy refused a run before anything ran. The message names what it found; the hint, what
 * allows it at this entrance (a `db migrate` flag, a marker in the migration, a module option).
 */
export class PolicyRefusedError extends MigrationsError {
  readonly exitCode = 2;
  readonly code = 'refused';
  constructor(
    readonly issues: readonly RefusalIssue[],
    readonly entrance: 'cli' | 'boot',
  ) {
    super(`Refusing to migrate${entrance === 'boot' ? ' on boot' : ''}: ${describeRefusals(issues)}`, allowHint(issues, entrance));
  }
}

interface RefusalIssue {
  message: string;
  allow: { flag?: string; markers?: string; option?: string };
  finding?: { revision: string; check: string };
}

/** The refusals that are not findings, each said; findings summed up (each was reported on its own line before). */
function describeRefusals(issues: readonly RefusalIssue[]): string {
  const others = issues.filter((issue) => !issue.finding).map((issue) => issue.message);
  const findings = issues.flatMap((issue) => (issue.finding ? [issue.finding] : []));
  if (findings.length) {
    const revisions = [...new Set(findings.map((finding) => finding.revision))].join(', ');
    const checks = [...new Set(findings.map((finding) => finding.check))].join(', ');
    others.push(`${findings.length} blocking finding(s) in ${revisions} (${checks})`);
  }
  return others.join('; ');
}

function allowHint(issues: readonly RefusalIssue[], entrance: 'cli' | 'boot'): string {
  const ways = new Set<string>();
  for (const { allow } of issues) {
    if (entrance === 'cli' && allow.flag) ways.add(`pass ${allow.flag}`);
    if (allow.markers) ways.add(allow.markers);
    if (allow.option) ways.add(`set ${allow.option.startsWith('checks') ? '' : entrance === 'cli' ? 'cli.' : 'runOnBoot.'}${allow.option}`);
  }
  const review = issues.some((issue) => issue.finding) ? 'Review the findings with `db lint`' : 'Check it with `db current`';
  return ways.size ? `${review}; once reviewed, ${[...ways].join(', or ')}.` : `${review}.`;
}
