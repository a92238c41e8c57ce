/** How a safety check treats what it finds. */
export type CheckLevel = 'off' | 'warn' | 'block';

/** One thing a safety check found about a migration. */
export interface Finding {
  /**
   * The family of the built-in rule that found it (`destructive`, `lock-heavy`, `transaction`, `timeout`,
   * `style`, `unjudgeable`, `accept`), or a user check's name.
   */
  readonly check: string;
  /** The built-in rule's id (see docs/lint-rules.md); absent for user checks. */
  readonly rule?: string;
  readonly level: 'warn' | 'block';
  readonly revision: string;
  /** The statement it is about, when it is about one. */
  readonly statement?: string;
  readonly message: string;
  /** The safe alternative, or how to proceed. */
  readonly hint?: string;
  /** The table it is about, with the database's row estimate and total size when it was reachable. */
  readonly table?: string;
  readonly rows?: number;
  readonly bytes?: number;
  /** Accepted by a `lint:accept` marker or the migration's `accept` metadata: shown, never blocking. */
  readonly accepted?: boolean;
  /** Why it was accepted (the marker's or metadata's reason). */
  readonly reason?: string;
}

/** Applies a check's configured level to its hits: `off` drops them. */
export function withLevel(
  check: string,
  level: CheckLevel,
  revision: string,
  hits: readonly { message: string; hint?: string; statement?: string }[],
): Finding[] {
  if (level === 'off') return [];
  return hits.map((hit) => ({ check, level, revision, statement: hit.statement, message: hit.message, hint: hit.hint }));
}

/** Findings that stop a migration: blocking and not accepted. */
export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.level === 'block' && !finding.accepted);
}

/**
 * `LEVEL revision check: message [statement]; hint (rule id; table: ~rows, size)`, one line, for logs and
 * `db lint`. An accepted finding starts with `accepted` and gives its reason instead of the hint.
 */
export function formatFinding(finding: Finding): string {
  const level = finding.accepted ? 'accepted' : finding.level === 'block' ? 'BLOCK' : 'warn';
  const statement = finding.statement ? ` [${shorten(finding.statement)}]` : '';
  const after = finding.accepted ? `; reason: ${finding.reason ?? ''}` : finding.hint ? `; ${finding.hint}` : '';
  const details = [finding.rule ? `rule ${finding.rule}` : '', tableDetails(finding)].filter(Boolean).join('; ');
  return `${level} ${finding.revision} ${finding.check}: ${finding.message}${statement}${after}${details ? ` (${details})` : ''}`;
}

function tableDetails(finding: Finding): string {
  if (!finding.table || finding.bytes === undefined) return '';
  const rows = finding.rows === undefined ? 'never analyzed' : `~${formatCount(finding.rows)} rows`;
  return `${finding.table}: ${rows}, ${formatBytes(finding.bytes)}`;
}

function shorten(sql: string, max = 120): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `1.2M`, `43k`, `512`. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${oneDecimal(n / 1e9)}G`;
  if (n >= 1e6) return `${oneDecimal(n / 1e6)}M`;
  if (n >= 1e4) return `${oneDecimal(n / 1e3)}k`;
  return String(Math.round(n));
}

/** `43 MB`, `8 kB`, `0 bytes` (binary units, as pg_size_pretty). */
export function formatBytes(n: number): string {
  const units = ['kB', 'MB', 'GB', 'TB'];
  if (n < 1024) return `${n} bytes`;
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${oneDecimal(value)} ${units[unit]}`;
}

function oneDecimal(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}
