import { isAbsolute, resolve } from 'node:path';
import { closeCheckName } from '../core/lint/levels';
import { DEFAULT_SIZE_THRESHOLDS } from '../core/lint/table-size';
import type { MigrationPolicyOptions, MigrationsModuleOptions, ResolvedMigrationsOptions, ResolvedPolicy } from './migrations-options';

/** Thrown at boot for a mistake in the module's options; the message names the option and what is wrong. */
export class InvalidMigrationsOptionsError extends Error {
  constructor(message: string) {
    super(`MigrationsModule: ${message}`);
    this.name = 'InvalidMigrationsOptionsError';
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const KNOWN = new Set<keyof MigrationsModuleOptions>([
  'migrationsDir',
  'compiledMigrationsDir',
  'dataSource',
  'schema',
  'ledgerTable',
  'typeormMigrationsTable',
  'lockWaitMs',
  'migrationsUrl',
  'mirrorToTypeormTable',
  'sourceRoot',
  'revisionTypeImport',
  'checkLiveDatabase',
  'shadowCache',
  'checks',
  'tableSizes',
  'runOnBoot',
  'cli',
  'tenants',
  'tenantConcurrency',
]);
const LEVELS = ['off', 'warn', 'block'];
const POLICY_KEYS = ['maxPending', 'onUnknownRevisions', 'lockTimeoutMs', 'statementTimeoutMs', 'lockRetries'];
const BOOT_KEYS = ['enabled', 'environments', 'onFailure', 'tenants', ...POLICY_KEYS];
const SIZE_KEYS = ['smallRows', 'smallBytes', 'largeRows', 'largeBytes'] as const;

/** Applies defaults and fails fast, with one message per mistake, on options that cannot work. */
export function resolveOptions(raw: MigrationsModuleOptions | undefined, cwd = process.cwd()): ResolvedMigrationsOptions {
  const options = raw ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidMigrationsOptionsError('options must be an object');
  }
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key as keyof MigrationsModuleOptions) && key !== 'isGlobal') {
      problems.push(`unknown option '${key}'`);
    }
  }
  const text = (key: keyof MigrationsModuleOptions, fallback: string): string => {
    const value = options[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`'${key}' must be a non-empty string, got ${show(value)}`);
      return fallback;
    }
    return value;
  };
  const identifier = (key: keyof MigrationsModuleOptions, fallback: string): string => {
    const value = text(key, fallback);
    if (!IDENTIFIER.test(value)) problems.push(`'${key}' must be a plain SQL identifier (letters, digits, _; at most 63), got '${value}'`);
    return value;
  };
  const migrationsDir = text('migrationsDir', 'migrations');
  const compiled = options.compiledMigrationsDir === undefined ? undefined : text('compiledMigrationsDir', '');
  const legacy = options.typeormMigrationsTable;
  if (legacy !== undefined && legacy !== false && (typeof legacy !== 'string' || !IDENTIFIER.test(legacy))) {
    problems.push(`'typeormMigrationsTable' must be a table name or false, got ${show(legacy)}`);
  }
  const lockWaitMs = options.lockWaitMs ?? 60_000;
  if (typeof lockWaitMs !== 'number' || !Number.isFinite(lockWaitMs) || lockWaitMs < 0) {
    problems.push(`'lockWaitMs' must be a number of milliseconds >= 0, got ${show(options.lockWaitMs)}`);
  }
  const sourceRoot = text('sourceRoot', 'src');
  const migrationsUrl = options.migrationsUrl === undefined ? undefined : text('migrationsUrl', '');
  const mirror = options.mirrorToTypeormTable ?? 'auto';
  if (!['auto', 'always', 'never'].includes(mirror)) problems.push(`'mirrorToTypeormTable' must be auto, always or never, got ${show(mirror)}`);
  const checkLiveDatabase = options.checkLiveDatabase ?? true;
  if (typeof checkLiveDatabase !== 'boolean') problems.push(`'checkLiveDatabase' must be true or false, got ${show(checkLiveDatabase)}`);
  const resolved: Omit<ResolvedMigrationsOptions, 'checks' | 'runOnBoot' | 'cli' | 'tableSizes' | 'tenantConcurrency'> & Partial<ResolvedMigrationsOptions> = {
    migrationsDir: isAbsolute(migrationsDir) ? migrationsDir : resolve(cwd, migrationsDir),
    compiledMigrationsDir: compiled ? (isAbsolute(compiled) ? compiled : resolve(cwd, compiled)) : undefined,
    dataSource: text('dataSource', 'default'),
    schema: identifier('schema', 'public'),
    ledgerTable: identifier('ledgerTable', 'migrations_ledger'),
    typeormMigrationsTable: legacy === undefined ? 'migrations' : (legacy as string | false),
    lockWaitMs: Number(lockWaitMs),
    migrationsUrl: migrationsUrl || undefined,
    mirrorToTypeormTable: mirror,
    sourceRoot: isAbsolute(sourceRoot) ? sourceRoot : resolve(cwd, sourceRoot),
    revisionTypeImport: text('revisionTypeImport', 'nest-migrations'),
    checkLiveDatabase: checkLiveDatabase === true,
    shadowCache: resolveShadowCache(options.shadowCache, problems),
  };
  resolved.checks = resolveChecks(options.checks, problems);
  resolved.tableSizes = resolveTableSizes(options.tableSizes, problems);
  resolved.runOnBoot = resolveBoot(options.runOnBoot, problems);
  resolved.cli = resolvePolicy('cli', options.cli ?? {}, CLI_DEFAULTS, problems);
  const tenants = options.tenants;
  const tenantsOk = tenants === undefined || Array.isArray(tenants) || typeof tenants === 'function' || (typeof tenants === 'object' && tenants !== null && 'provider' in tenants);
  if (!tenantsOk) problems.push(`'tenants' must be a list, a factory function or { provider: Token }, got ${show(tenants)}`);
  resolved.tenants = tenants;
  const concurrency = options.tenantConcurrency ?? 4;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) problems.push(`'tenantConcurrency' must be a whole number >= 1, got ${show(concurrency)}`);
  resolved.tenantConcurrency = Number(concurrency) || 4;
  if (problems.length) throw new InvalidMigrationsOptionsError(problems.join('; '));
  return resolved as ResolvedMigrationsOptions;
}

/** The env var that turns the shadow template cache off (`false`/`0`) or on (`true`/`1`) over the option. */
export const SHADOW_CACHE_ENV = 'MIGRATIONS_SHADOW_CACHE';

function resolveShadowCache(raw: unknown, problems: string[]): boolean {
  if (raw !== undefined && typeof raw !== 'boolean') problems.push(`'shadowCache' must be true or false, got ${show(raw)}`);
  const env = process.env[SHADOW_CACHE_ENV]?.trim().toLowerCase();
  if (env === undefined || env === '') return raw !== false;
  if (['true', '1', 'on'].includes(env)) return true;
  if (['false', '0', 'off'].includes(env)) return false;
  problems.push(`${SHADOW_CACHE_ENV} must be true or false, got '${process.env[SHADOW_CACHE_ENV]}'`);
  return raw !== false;
}

function resolveChecks(raw: MigrationsModuleOptions['checks'], problems: string[]): ResolvedMigrationsOptions['checks'] {
  const checks = raw ?? {};
  if (typeof checks !== 'object' || checks === null || Array.isArray(checks)) {
    problems.push(`'checks' must be an object of check levels`);
    return { integrity: 'warn' };
  }
  for (const [name, level] of Object.entries(checks)) {
    if (level !== undefined && !LEVELS.includes(level as string)) problems.push(`'checks.${name}' must be off, warn or block, got ${show(level)}`);
    // Any other name may be a user check's; one that is a letter or two from a rule id is a typo.
    const meant = closeCheckName(name);
    if (meant) problems.push(`unknown check 'checks.${name}': did you mean '${meant}'?`);
  }
  return { ...checks, integrity: checks.integrity ?? 'warn' };
}

function resolveTableSizes(raw: MigrationsModuleOptions['tableSizes'], problems: string[]): ResolvedMigrationsOptions['tableSizes'] {
  if (raw === false) return false;
  const sizes = raw ?? {};
  if (typeof sizes !== 'object' || sizes === null || Array.isArray(sizes)) {
    problems.push(`'tableSizes' must be an object of thresholds or false, got ${show(raw)}`);
    return { ...DEFAULT_SIZE_THRESHOLDS };
  }
  for (const key of Object.keys(sizes)) if (!(SIZE_KEYS as readonly string[]).includes(key)) problems.push(`unknown option 'tableSizes.${key}'`);
  const resolved = { ...DEFAULT_SIZE_THRESHOLDS };
  for (const key of SIZE_KEYS) {
    const value = sizes[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) problems.push(`'tableSizes.${key}' must be a whole number >= 0, got ${show(value)}`);
    else resolved[key] = value;
  }
  if (resolved.smallRows > resolved.largeRows) problems.push(`'tableSizes.smallRows' (${resolved.smallRows}) must not exceed 'tableSizes.largeRows' (${resolved.largeRows})`);
  if (resolved.smallBytes > resolved.largeBytes) problems.push(`'tableSizes.smallBytes' (${resolved.smallBytes}) must not exceed 'tableSizes.largeBytes' (${resolved.largeBytes})`);
  return resolved;
}

const BOOT_DEFAULTS = { lockTimeoutMs: 5000, statementTimeoutMs: 0, lockRetries: 3, onUnknownRevisions: 'continue' } as const;
const CLI_DEFAULTS = { lockTimeoutMs: 10_000, statementTimeoutMs: 0, lockRetries: 3, onUnknownRevisions: 'continue' } as const;

function resolveBoot(raw: MigrationsModuleOptions['runOnBoot'], problems: string[]): ResolvedMigrationsOptions['runOnBoot'] {
  const boot = raw ?? {};
  for (const key of Object.keys(boot)) if (!BOOT_KEYS.includes(key)) problems.push(`unknown option 'runOnBoot.${key}'`);
  if (boot.tenants !== undefined && typeof boot.tenants !== 'boolean') problems.push(`'runOnBoot.tenants' must be true or false, got ${show(boot.tenants)}`);
  if (boot.enabled !== undefined && typeof boot.enabled !== 'boolean') problems.push(`'runOnBoot.enabled' must be true or false, got ${show(boot.enabled)}`);
  if (boot.environments !== undefined && (!Array.isArray(boot.environments) || boot.environments.some((e) => typeof e !== 'string'))) {
    problems.push(`'runOnBoot.environments' must be a list of NODE_ENV values`);
  }
  const onFailure = boot.onFailure ?? 'exit';
  if (!['exit', 'continue'].includes(onFailure)) problems.push(`'runOnBoot.onFailure' must be exit or continue, got ${show(onFailure)}`);
  return {
    ...resolvePolicy('runOnBoot', boot, BOOT_DEFAULTS, problems),
    enabled: boot.enabled === true,
    environments: Array.isArray(boot.environments) ? boot.environments : undefined,
    onFailure: onFailure === 'continue' ? 'continue' : 'exit',
    tenants: boot.tenants === true,
  };
}

function resolvePolicy(prefix: string, raw: MigrationPolicyOptions, defaults: typeof BOOT_DEFAULTS | typeof CLI_DEFAULTS, problems: string[]): ResolvedPolicy {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`'${prefix}' must be an object`);
    raw = {};
  }
  if (prefix === 'cli') for (const key of Object.keys(raw)) if (!POLICY_KEYS.includes(key)) problems.push(`unknown option 'cli.${key}'`);
  const count = (key: 'maxPending' | 'lockTimeoutMs' | 'statementTimeoutMs' | 'lockRetries', fallback?: number): number | undefined => {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      problems.push(`'${prefix}.${key}' must be a whole number >= 0, got ${show(value)}`);
      return fallback;
    }
    return value;
  };
  const unknown = raw.onUnknownRevisions ?? defaults.onUnknownRevisions;
  if (!['fail', 'continue'].includes(unknown)) problems.push(`'${prefix}.onUnknownRevisions' must be fail or continue, got ${show(unknown)}`);
  return {
    maxPending: count('maxPending'),
    onUnknownRevisions: unknown === 'fail' ? 'fail' : 'continue',
    lockTimeoutMs: count('lockTimeoutMs', defaults.lockTimeoutMs) as number,
    statementTimeoutMs: count('statementTimeoutMs', defaults.statementTimeoutMs) as number,
    lockRetries: count('lockRetries', defaults.lockRetries) as number,
  };
}

function show(value: unknown): string {
  return typeof value === 'number' || value === undefined ? String(value) : JSON.stringify(value);
}
