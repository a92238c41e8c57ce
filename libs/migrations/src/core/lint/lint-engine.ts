/**
 * Runs the rules over the migrations of one run, in order, and turns what they report into findings:
 * the configured level, raised or lowered by the table's size, and acceptances applied.
 */
import type { CheckLevel } from '../safety';
import type { AcceptMarker, LintEnvironment, MigrationToLint, ParsedStatement, RelationInfo, RuleHit } from './lint-model';
import type { LintRule, StatementContext } from './lint-rule';
import { RULES_BY_ID, LINT_RULES } from './rules';
import { invalidAccept, unusedAccept } from './rules/accept.rules';
import { RunState } from './run-state';
import { levelForSize, sizeClass } from './table-size';

/** A finding of a built-in rule. */
export interface LintFinding {
  readonly rule: LintRule;
  readonly level: 'warn' | 'block';
  readonly revision: string;
  readonly statement?: string;
  readonly message: string;
  readonly hint: string;
  /** The table it is about: as the database names it when known, else as written. */
  readonly table?: string;
  readonly rows?: number;
  readonly bytes?: number;
  /** Accepted by a marker in the statement or by the migration's metadata: shown, never blocking. */
  readonly accepted?: { readonly reason: string; readonly by: 'statement' | 'migration' };
}

interface RawHit {
  readonly rule: LintRule;
  readonly hit: RuleHit;
  readonly statement?: ParsedStatement;
  readonly markers: readonly AcceptMarker[];
}

/** Lints the migrations of one run in order: what an earlier one creates is new for the later ones. */
export function lintMigrations(migrations: readonly MigrationToLint[], env: LintEnvironment): LintFinding[] {
  const state = new RunState(env);
  return migrations.flatMap((migration) => lintMigration(migration, env, state));
}

function lintMigration(migration: MigrationToLint, env: LintEnvironment, state: RunState): LintFinding[] {
  state.beginMigration(migration);
  const raw: RawHit[] = [];
  const reported = new Set<string>();
  const visit = (statement: ParsedStatement, inBlock: boolean, outer: readonly AcceptMarker[]): void => {
    const markers = [...outer, ...statement.markers];
    for (const rule of LINT_RULES) {
      if (!rule.statement) continue;
      const context: StatementContext = {
        kind: statement.kind ?? '',
        node: statement.node ?? {},
        statement,
        migration,
        env,
        state,
        inBlock,
        once: () => !reported.has(rule.id) && !!reported.add(rule.id),
      };
      for (const hit of rule.statement(context)) raw.push({ rule, hit, statement, markers });
    }
    if (statement.kind && statement.node) state.apply(statement.kind, statement.node);
    if (statement.body?.runsNow) for (const inner of statement.body.statements) visit(inner, true, markers);
  };
  for (const statement of migration.statements) visit(statement, false, []);
  for (const rule of LINT_RULES) {
    for (const hit of rule.migrationEnd?.({ migration, env, state }) ?? []) raw.push({ rule, hit, markers: [] });
  }
  return [...raw.flatMap((hit) => toFinding(hit, migration, env)), ...acceptanceFindings(migration, raw, env)];
}

function levelOf(rule: LintRule, migration: MigrationToLint, env: LintEnvironment): CheckLevel {
  if (migration.allowDestructive && rule.group === 'destructive') return 'off';
  return env.levels(rule.id, rule.level, rule.group);
}

function toFinding({ rule, hit, statement, markers }: RawHit, migration: MigrationToLint, env: LintEnvironment): LintFinding[] {
  const info: RelationInfo | undefined = hit.relation ? env.relations?.get(hit.relation) : undefined;
  let level = levelOf(rule, migration, env);
  if (rule.sizeAware && hit.relation) level = levelForSize(level, sizeClass(info, env.sizes));
  if (level === 'off') return [];
  const accepted = acceptance(rule.id, markers, migration);
  return [
    {
      rule,
      level,
      revision: migration.revision,
      ...(statement ? { statement: statement.sql } : {}),
      message: hit.message,
      hint: hit.hint ?? rule.safe,
      ...(hit.relation ? { table: info?.table ?? hit.relation } : {}),
      ...(info?.rows !== undefined ? { rows: info.rows } : {}),
      ...(info ? { bytes: info.bytes } : {}),
      ...(accepted ? { accepted } : {}),
    },
  ];
}

function acceptance(ruleId: string, markers: readonly AcceptMarker[], migration: MigrationToLint): LintFinding['accepted'] {
  const marker = markers.find((m) => m.reason && m.rules.includes(ruleId));
  if (marker?.reason) return { reason: marker.reason, by: 'statement' };
  const declared = migration.accept.find((a) => a.rule === ruleId && typeof a.reason === 'string' && a.reason.trim());
  return declared?.reason ? { reason: declared.reason.trim(), by: 'migration' } : undefined;
}

/** Acceptances that are malformed, name no rule, or accept nothing that was found. */
function acceptanceFindings(migration: MigrationToLint, raw: readonly RawHit[], env: LintEnvironment): LintFinding[] {
  const problems: { rule: LintRule; message: string; statement?: string }[] = [];
  const check = (rules: readonly string[], reason: string | undefined, where: string, found: (ruleId: string) => boolean, statement?: string) => {
    if (!rules.length) problems.push({ rule: invalidAccept, message: `${where} names no rule`, statement });
    for (const id of rules) {
      if (!RULES_BY_ID.has(id)) problems.push({ rule: invalidAccept, message: `${where} names an unknown rule '${id}'`, statement });
      else if (!reason?.trim()) problems.push({ rule: invalidAccept, message: `${where} accepts ${id} without a reason: it accepts nothing`, statement });
      else if (!found(id)) problems.push({ rule: unusedAccept, message: `${where} accepts ${id}, which found nothing there`, statement });
    }
  };
  for (const statement of allStatements(migration.statements)) {
    for (const marker of statement.markers) {
      const found = (id: string) => raw.some((hit) => hit.rule.id === id && hit.markers.includes(marker));
      check(marker.rules, marker.reason, `marker "${marker.text}"`, found, statement.sql);
    }
  }
  for (const declared of migration.accept) {
    const rules = typeof declared?.rule === 'string' && declared.rule ? [declared.rule] : [];
    check(rules, declared?.reason, 'accept in the revision metadata', (id) => raw.some((hit) => hit.rule.id === id), undefined);
  }
  return problems.flatMap(({ rule, message, statement }) => {
    const level = levelOf(rule, migration, env);
    if (level === 'off') return [];
    return [{ rule, level, revision: migration.revision, ...(statement ? { statement } : {}), message, hint: rule.safe }];
  });
}

/** The statements that run: the migration's own and those inside its DO blocks. */
function allStatements(statements: readonly ParsedStatement[]): ParsedStatement[] {
  return statements.flatMap((statement) => [statement, ...(statement.body?.runsNow ? allStatements(statement.body.statements) : [])]);
}
