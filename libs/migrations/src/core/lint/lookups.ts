/** What the linter needs to ask the target database about: the relations and functions the statements name. */
import type { MigrationToLint, Node, ParsedStatement } from './lint-model';
import { as, calledFunctions, list, strings } from './parse-tree';

/** A relation name as written (`key`, the lookup key of `LintEnvironment.relations`) and its parts. */
export interface RelationName {
  readonly key: string;
  readonly parts: readonly string[];
}

const DROPPED_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_MATVIEW', 'OBJECT_VIEW', 'OBJECT_FOREIGN_TABLE']);

export function relationNames(migrations: readonly MigrationToLint[]): RelationName[] {
  const names = new Map<string, RelationName>();
  const add = (parts: string[]) => {
    if (parts.length && parts.every(Boolean)) names.set(parts.join('.'), { key: parts.join('.'), parts });
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const node = value as Node;
    if (typeof node.relname === 'string') add(node.schemaname ? [String(node.schemaname), node.relname] : [node.relname]);
    for (const child of Object.values(node)) visit(child);
  };
  for (const statement of statementsOf(migrations)) {
    visit(statement.node);
    const drop = statement.kind === 'DropStmt' ? statement.node : undefined;
    if (drop && DROPPED_RELATIONS.has(String(drop.removeType))) {
      for (const object of list(drop.objects)) add(strings(as(object, 'List')?.items));
    }
  }
  return [...names.values()];
}

export function functionNames(migrations: readonly MigrationToLint[]): string[] {
  return [...new Set(statementsOf(migrations).flatMap((statement) => calledFunctions(statement.node)))];
}

function statementsOf(migrations: readonly MigrationToLint[]): ParsedStatement[] {
  const all: ParsedStatement[] = [];
  const add = (statement: ParsedStatement) => {
    all.push(statement);
    statement.body?.statements.forEach(add);
  };
  migrations.forEach((migration) => migration.statements.forEach(add));
  return all;
}
