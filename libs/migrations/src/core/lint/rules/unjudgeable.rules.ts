/**
 * What no linter can judge from the text: SQL built at run time (`EXECUTE format(...)` in a DO block or a
 * function), code in other languages, procedures called by name, and text the parser refuses. Staying
 * silent there would read as "safe"; the rule says "cannot judge" instead, so a reviewer looks.
 */
import type { RuleHit } from '../lint-model';
import type { LintRule } from '../lint-rule';
import { as, strings } from '../parse-tree';

export const cannotJudge: LintRule = {
  id: 'cannot-judge',
  group: 'unjudgeable',
  level: 'warn',
  sizeAware: false,
  catches: 'Dynamic SQL (EXECUTE in a DO block or a PL/pgSQL function), DO blocks in other languages, CALL of a procedure, and statements the parser refuses: what they do is not in the text.',
  safe: 'Write the statements out in the migration; or review what runs and accept it with a marker and a reason.',
  strongMigrations: 'execute (raw SQL needs safety_assured)',
  statement: ({ kind, node, statement }): RuleHit[] => {
    if (statement.error) return [{ message: `cannot judge a statement the PostgreSQL parser refuses: ${statement.error}` }];
    const body = statement.body;
    if (kind === 'DoStmt' && body) {
      if (body.opaque) return [{ message: `cannot judge a DO block: ${body.opaque}` }];
      return body.dynamic.map((expr) => ({ message: `cannot judge dynamic SQL in a DO block: EXECUTE ${shorten(expr)}` }));
    }
    if (kind === 'CreateFunctionStmt' && body && !body.opaque) {
      const name = strings(node.funcname).join('.');
      return body.dynamic.map((expr) => ({ message: `cannot judge dynamic SQL that ${name}() runs when called: EXECUTE ${shorten(expr)}` }));
    }
    if (kind === 'CallStmt') {
      const name = strings(as(node.funccall, 'FuncCall')?.funcname ?? (node.funccall as { funcname?: unknown } | undefined)?.funcname).join('.');
      return [{ message: `cannot judge what CALL ${name}() does` }];
    }
    return [];
  },
};

function shorten(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export const UNJUDGEABLE_RULES: readonly LintRule[] = [cannotJudge];
