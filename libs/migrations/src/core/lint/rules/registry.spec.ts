import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINT_RULES, RULES_BY_ID } from '.';

describe('the rule registry', () => {
  it('has unique ids, each with a family, a default level, what it catches and the safe alternative', () => {
    expect(RULES_BY_ID.size).toBe(LINT_RULES.length);
    for (const rule of LINT_RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['off', 'warn', 'block']).toContain(rule.level);
      expect(rule.catches.length).toBeGreaterThan(10);
      expect(rule.safe.length).toBeGreaterThan(5);
    }
  });

  it('is documented rule for rule in docs/lint-rules.md, with its default level', () => {
    const doc = readFileSync(join(__dirname, '../../../../../../docs/lint-rules.md'), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| `([a-z0-9-]+)` \| (off|warn|block) \|/gm)].map((m) => [m[1], m[2]]));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(LINT_RULES.map((rule) => [rule.id, rule.level])));
  });
});
