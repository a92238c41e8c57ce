import { DiscoveryService } from '@nestjs/core';
import type { CheckLevel } from '../core/safety';
import type { Revision } from '../core/revision';

/** What a safety check is given about one migration. */
export interface SafetyCheckContext {
  readonly revision: Revision;
  /** The SQL the migration's `up` runs, statement by statement (captured without running it). */
  readonly statements: readonly string[];
  /** The migration declares `allowDestructive: true` in its revision metadata. */
  readonly allowDestructive: boolean;
  /** `process.env.NODE_ENV`. */
  readonly environment: string | undefined;
}

/** A problem a check reports; its level comes from the options (`checks.<name>`) or the decorator. */
export interface SafetyCheckIssue {
  message: string;
  statement?: string;
  hint?: string;
}

/** A user-written safety check: an injectable class decorated with `@MigrationSafetyCheck()`. */
export interface SafetyCheck {
  check(context: SafetyCheckContext): SafetyCheckIssue[] | Promise<SafetyCheckIssue[]>;
}

export interface SafetyCheckOptions {
  /** Name used in findings and in `checks.<name>`. Default: the class name. */
  name?: string;
  /** Level when the options do not set one. Default: `block`. */
  level?: CheckLevel;
}

/**
 * Declares an injectable class as a safety check, run by the boot hook and `db lint` like the built-ins.
 *
 * @example
 * \@MigrationSafetyCheck({ name: 'no-drop-users', level: 'block' })
 * \@Injectable()
 * export class NoDropUsers implements SafetyCheck {
 *   check({ statements }) { return statements.filter((s) => /users/i.test(s)).map((statement) => ({ message: 'touches users', statement })); }
 * }
 */
export const MigrationSafetyCheck = DiscoveryService.createDecorator<SafetyCheckOptions>();
