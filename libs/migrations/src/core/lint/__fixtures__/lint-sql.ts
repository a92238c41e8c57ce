/**
 * Lints SQL as the service does, with the real parser (libpg-query) and no database: the catalog facts a
 * test needs are given in memory. Test-only.
 */
import { parseStatements } from '../../../adapter/lint/parse-statements';
import { loadSqlParser } from '../../../adapter/sql-annotations';
import type { CheckLevel } from '../../safety';
import { lintMigrations, type LintFinding } from '../lint-engine';
import type { ColumnInfo, LintEnvironment, MigrationAccept, RelationInfo, SizeThresholds } from '../lint-model';
import { typeFromCatalog } from '../pg-types';
import { DEFAULT_SIZE_THRESHOLDS } from '../table-size';

export interface MigrationSpec {
  sql: string | string[];
  transactional?: boolean;
  accept?: MigrationAccept[];
  allowDestructive?: boolean;
}

export interface TableSpec {
  rows?: number;
  bytes?: number;
  /** Column name -> `typname[:typmod]`, e.g. `varchar:14` (varchar(10)), `int4`. */
  columns?: Record<string, string | Partial<ColumnInfo> & { catalogType?: string }>;
  kind?: RelationInfo['kind'];
}

export interface EnvSpec {
  /** Tables the database has (others are unknown): when given, the database counts as consulted. */
  tables?: Record<string, TableSpec>;
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  sizes?: SizeThresholds | false;
  timeZone?: string;
  serverVersion?: number;
  functionVolatility?: Record<string, string>;
  /** Level overrides; by default every rule is on (rules off by default run at `warn`). */
  levels?: Record<string, CheckLevel>;
}

export async function lintSql(migrations: MigrationSpec | MigrationSpec[] | string | string[], env: EnvSpec = {}): Promise<LintFinding[]> {
  await loadSqlParser();
  const specs: MigrationSpec[] = typeof migrations === 'string' || (Array.isArray(migrations) && typeof migrations[0] === 'string')
    ? [{ sql: migrations as string | string[] }]
    : Array.isArray(migrations) ? (migrations as MigrationSpec[]) : [migrations as MigrationSpec];
  const lints = specs.map((spec, i) => ({
    revision: `r${String(i + 1).padStart(11, '0')}`,
    transactional: spec.transactional ?? true,
    statements: parseStatements(typeof spec.sql === 'string' ? [spec.sql] : spec.sql),
    accept: spec.accept ?? [],
    allowDestructive: spec.allowDestructive ?? false,
  }));
  return lintMigrations(lints, environment(env));
}

/** The findings of one rule. */
export async function findings(rule: string, migrations: Parameters<typeof lintSql>[0], env: EnvSpec = {}): Promise<LintFinding[]> {
  return (await lintSql(migrations, env)).filter((finding) => finding.rule.id === rule);
}

function environment(spec: EnvSpec): LintEnvironment {
  const relations = spec.tables ? new Map(Object.entries(spec.tables).map(([key, table]) => [key, relationInfo(key, table)])) : undefined;
  return {
    ...(relations ? { relations } : {}),
    sizes: spec.sizes ?? DEFAULT_SIZE_THRESHOLDS,
    ...(spec.timeZone ? { timeZone: spec.timeZone } : {}),
    ...(spec.serverVersion ? { serverVersion: spec.serverVersion } : {}),
    ...(spec.functionVolatility ? { functionVolatility: new Map(Object.entries(spec.functionVolatility)) } : {}),
    runtime: { lockTimeoutMs: spec.lockTimeoutMs ?? 5000, statementTimeoutMs: spec.statementTimeoutMs ?? 60_000 },
    levels: (id, fallback) => spec.levels?.[id] ?? (fallback === 'off' ? 'warn' : fallback),
  };
}

function relationInfo(key: string, table: TableSpec): RelationInfo {
  const columns: Record<string, ColumnInfo> = {};
  for (const [name, column] of Object.entries(table.columns ?? {})) {
    const written = typeof column === 'string' ? column : (column.catalogType ?? 'text');
    const [typname, typmod] = written.replace('[]', '').split(':');
    const base = { type: typeFromCatalog(typname, typmod === undefined ? -1 : Number(typmod), written.endsWith('[]')), checked: false, notNullChecked: false, indexed: true };
    columns[name] = typeof column === 'string' ? base : { ...base, ...column };
  }
  return {
    kind: table.kind ?? 'table',
    table: key.includes('.') ? key : `public.${key}`,
    ...(table.rows !== undefined ? { rows: table.rows } : {}),
    bytes: table.bytes ?? 1024 * 1024 * 50,
    columns,
  };
}
