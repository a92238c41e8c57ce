/** How a safety check treats what it finds. */
export type CheckLevel = 'off' | 'warn' | 'block';

/** One thing a safety check found about a migration. */
export interface Finding {
  /** Name of the check (`destructive`, `lock-heavy`, or a user check's name). */
  readonly check: string;
  readonly level: 'warn' | 'block';
  readonly revision: string;
  /** The statement it is about, when it is about one. */
  readonly statement?: string;
  readonly message: string;
  /** The safe alternative, or how to proceed. */
  readonly hint?: string;
}

/** What a statement-level rule reports before the configured level is applied. */
export interface RuleHit {
  readonly rule: 'destructive' | 'lock-heavy';
  readonly message: string;
  readonly hint: string;
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

export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.level === 'block');
}

/** `revision  check  message  (statement)  -> hint`, one line, for logs and `db lint`. */
export function formatFinding(finding: Finding): string {
  const statement = finding.statement ? ` [${shorten(finding.statement)}]` : '';
  const hint = finding.hint ? `; ${finding.hint}` : '';
  return `${finding.level === 'block' ? 'BLOCK' : 'warn'} ${finding.revision} ${finding.check}: ${finding.message}${statement}${hint}`;
}

function shorten(sql: string, max = 120): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
