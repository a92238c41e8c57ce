import { isAbsolute, resolve } from 'node:path';
import type { MigrationsModuleOptions, ResolvedMigrationsOptions } from './migrations-options';

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
  'sourceRoot',
  'revisionTypeImport',
]);

/** Applies defaults and fails fast, with one message per mistake, on options that cannot work. */
export function resolveOptions(raw: MigrationsModuleOptions | undefined, cwd = process.cwd()): ResolvedMigrationsOptions {
  const options = raw ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidMigrationsOptionsError('options must be an object');
  }
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key as keyof MigrationsModuleOptions) && key !== 'runOnBoot' && key !== 'isGlobal') {
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
  const resolved: ResolvedMigrationsOptions = {
    migrationsDir: isAbsolute(migrationsDir) ? migrationsDir : resolve(cwd, migrationsDir),
    compiledMigrationsDir: compiled ? (isAbsolute(compiled) ? compiled : resolve(cwd, compiled)) : undefined,
    dataSource: text('dataSource', 'default'),
    schema: identifier('schema', 'public'),
    ledgerTable: identifier('ledgerTable', 'migrations_ledger'),
    typeormMigrationsTable: legacy === undefined ? 'migrations' : (legacy as string | false),
    lockWaitMs: Number(lockWaitMs),
    sourceRoot: isAbsolute(sourceRoot) ? sourceRoot : resolve(cwd, sourceRoot),
    revisionTypeImport: text('revisionTypeImport', '@app/migrations'),
  };
  if (problems.length) throw new InvalidMigrationsOptionsError(problems.join('; '));
  return resolved;
}

function show(value: unknown): string {
  return typeof value === 'number' || value === undefined ? String(value) : JSON.stringify(value);
}
