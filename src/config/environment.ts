import * as v from 'valibot';
import { UsageError } from 'nest-migrations';

/**
 * Every variable the example app reads, with its default: validated once at start (ConfigModule), so a typo
 * stops the app with one line naming the variable instead of silently meaning "off" or `NaN`.
 *
 * valibot: a schema library of a few kilobytes with no dependencies, whose schemas are plain functions (only
 * what is used is loaded) and which implements Standard Schema, the interface @nestjs/config reads.
 * .env.example and docs/options.md list the same variables and defaults (test/configuration.e2e-spec.ts).
 */
const flag = (fallback: 'true' | 'false') =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.trim(),
    v.toLowerCase(),
    v.picklist(['true', 'false', '1', '0'], (issue) => `must be true or false, got '${issue.input}'`),
    v.transform((value) => value === 'true' || value === '1'),
  );

const count = (fallback: number, what: string) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.trim(),
    v.regex(/^\d+$/, (issue) => `must be ${what} (a whole number >= 0), got '${issue.input}'`),
    v.transform(Number),
  );

const oneOf = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  v.pipe(v.optional(v.string(), fallback), v.trim(), v.picklist(values, (issue) => `must be ${values.join(' or ')}, got '${issue.input}'`));

const text = (fallback?: string) => (fallback === undefined ? v.optional(v.pipe(v.string(), v.trim())) : v.optional(v.pipe(v.string(), v.trim()), fallback));

export const ENVIRONMENT = v.object({
  NODE_ENV: text('development'),
  DATABASE_URL: text(),
  DATABASE_EMBEDDED: v.optional(flag('false')),
  PGLITE_DATA_DIR: text('.data/pglite'),
  PORT: count(3000, 'a port number'),
  HEALTH_DETAILS: flag('false'),
  MIGRATIONS_DIR: text('migrations'),
  MIGRATIONS_COMPILED_DIR: text(),
  MIGRATIONS_DATABASE_URL: text(),
  MIGRATIONS_LOCK_WAIT_MS: count(60_000, 'milliseconds'),
  MIGRATIONS_LOCK_TIMEOUT_MS: count(10_000, 'milliseconds'),
  MIGRATIONS_LOCK_RETRIES: count(3, 'a number of retries'),
  MIGRATIONS_ON_UNKNOWN_REVISIONS: oneOf(['continue', 'fail'], 'continue'),
  MIGRATIONS_INTEGRITY: oneOf(['off', 'warn', 'block'], 'warn'),
  MIGRATE_ON_BOOT: flag('false'),
  MIGRATE_ON_BOOT_ON_FAILURE: oneOf(['exit', 'continue'], 'exit'),
  MIGRATE_ON_BOOT_ON_UNKNOWN: oneOf(['continue', 'fail'], 'continue'),
  MIGRATE_ON_BOOT_LOCK_TIMEOUT_MS: count(5000, 'milliseconds'),
  MIGRATE_ON_BOOT_LOCK_RETRIES: count(3, 'a number of retries'),
  MIGRATE_ON_BOOT_TENANTS: flag('false'),
  TENANTS: text(),
  MIGRATIONS_TENANT_CONCURRENCY: count(4, 'a number of tenants'),
});

export type Environment = v.InferOutput<typeof ENVIRONMENT>;

/** ConfigModule's `validate`: the typed environment, or one error naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment & Record<string, unknown> {
  // Empty values count as unset (`MIGRATIONS_DIR=` in a .env file), as they do for the options they feed.
  const given = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
  const result = v.safeParse(ENVIRONMENT, given);
  if (!result.success) {
    const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(environment)'} ${issue.message}`);
    throw new UsageError(`Invalid environment: ${problems.join('; ')}`, 'Fix the variable in the environment or in .env (see .env.example for every variable and its default).');
  }
  // Unknown variables (PATH, HOME ...) stay, as ConfigService serves them too.
  return { ...given, ...result.output };
}
