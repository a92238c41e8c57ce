import type { CheckLevel } from '../safety';
import type { LintEnvironment, MigrationToLint, Node, ParsedStatement, RuleGroup, RuleHit } from './lint-model';
import type { RunView } from './run-state';

/** What a rule sees of one statement. */
export interface StatementContext {
  /** Parse-tree node type (`AlterTableStmt` ...) and its body. */
  readonly kind: string;
  readonly node: Node;
  readonly statement: ParsedStatement;
  readonly migration: MigrationToLint;
  readonly env: LintEnvironment;
  /** The run so far, before this statement. */
  readonly state: RunView;
  /** The statement is inside a DO block. */
  readonly inBlock: boolean;
  /** True the first time a rule asks in a migration: for rules that report once per migration. */
  readonly once: () => boolean;
}

/** What a rule sees once a migration's statements have all run. */
export interface MigrationEndContext {
  readonly migration: MigrationToLint;
  readonly env: LintEnvironment;
  readonly state: RunView;
}

/**
 * One lint rule: a pure function of the parse tree and the context, plus what the docs say about it
 * (docs/lint-rules.md is the table of all of them).
 */
export interface LintRule {
  /** Stable id, used in `checks`, `accept` and markers; squawk's id where squawk has the rule. */
  readonly id: string;
  readonly group: RuleGroup;
  /** Level when the options set neither the rule nor its group. */
  readonly level: CheckLevel;
  /** Severity follows the table's size (see table-size.ts). */
  readonly sizeAware: boolean;
  /** What it catches, one sentence. */
  readonly catches: string;
  /** The safe alternative, shown with each finding. */
  readonly safe: string;
  /** The equivalent rule of squawk / check of strong_migrations, when there is one. */
  readonly squawk?: string;
  readonly strongMigrations?: string;
  /** Judges one statement (static statements inside a DO block included). */
  statement?(context: StatementContext): RuleHit[];
  /** Judges the migration as a whole, after its last statement. */
  migrationEnd?(context: MigrationEndContext): RuleHit[];
}
