/**
 * `lint:accept <rule>[, <rule> ...] reason: <why>` in a SQL comment accepts findings of those rules on the
 * statement. The comment itself comes from PostgreSQL's scanner (so a string literal that merely contains
 * the words is never taken for a marker); this reads the comment's text.
 */
import type { AcceptMarker } from './lint-model';

const TAG = 'lint:accept';

/** The marker in one comment (`-- ...` or `/* ... *\/`), or undefined when the comment holds none. */
export function markerIn(comment: string): AcceptMarker | undefined {
  const text = stripCommentSyntax(comment);
  const start = text.indexOf(TAG);
  if (start < 0) return undefined;
  const rest = text.slice(start + TAG.length);
  const split = rest.search(/\breason\s*:/i);
  const rulesPart = split < 0 ? rest : rest.slice(0, split);
  const reason = split < 0 ? undefined : rest.slice(split).replace(/^reason\s*:/i, '').trim();
  const rules = rulesPart
    .split(/[\s,]+/)
    .map((rule) => rule.trim())
    .filter(Boolean);
  return { rules, ...(reason ? { reason } : {}), text: text.trim() };
}

function stripCommentSyntax(comment: string): string {
  if (comment.startsWith('--')) return comment.slice(2);
  if (comment.startsWith('/*')) {
    return comment
      .slice(2, comment.endsWith('*/') ? -2 : undefined)
      .split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, ''))
      .join(' ');
  }
  return comment;
}
