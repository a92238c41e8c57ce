import { judgePolicy, type PolicySettings } from './policy';
import type { Finding } from './safety';

const settings: PolicySettings = { onUnknownRevisions: 'continue', integrity: 'warn' };
const finding = (over: Partial<Finding> = {}): Finding => ({ check: 'destructive', rule: 'ban-drop-column', level: 'block', revision: 'r1', message: 'drops x', ...over });
const none = { pending: ['r1'], unknown: [], edited: [], findings: [] };

describe('judgePolicy', () => {
  it('lets a clean run through', () => {
    expect(judgePolicy(none, settings)).toEqual({ refusals: [], warnings: [] });
  });

  it('warns about unknown revisions by default and refuses them with onUnknownRevisions fail', () => {
    const facts = { ...none, unknown: ['ffff00000001', 'ffff00000002'] };
    const warned = judgePolicy(facts, settings);
    expect(warned.refusals).toEqual([]);
    expect(warned.warnings[0].message).toMatch(/^Can't locate revision identified by 'ffff00000001' \(and 1 more: ffff00000002\)/);
    expect(judgePolicy(facts, { ...settings, onUnknownRevisions: 'fail' }).refusals.map((issue) => issue.code)).toEqual(['unknown_revisions']);
  });

  it('refuses more pending migrations than maxPending', () => {
    const verdict = judgePolicy({ ...none, pending: ['r1', 'r2', 'r3'] }, { ...settings, maxPending: 2 });
    expect(verdict.refusals.map((issue) => issue.message)).toEqual(['3 migrations are pending, more than maxPending (2)']);
  });

  it('treats edited migrations by the integrity level, and --accept-edited turns a block into a warning', () => {
    const facts = { ...none, edited: ['r0'] };
    expect(judgePolicy(facts, { ...settings, integrity: 'off' })).toEqual({ refusals: [], warnings: [] });
    expect(judgePolicy(facts, settings).warnings.map((issue) => issue.code)).toEqual(['edited']);
    expect(judgePolicy(facts, { ...settings, integrity: 'block' }).refusals[0].allow.flag).toBe('--accept-edited');
    expect(judgePolicy(facts, { ...settings, integrity: 'block', acceptEdited: true }).refusals).toEqual([]);
  });

  it('refuses blocking findings, names how to allow them, and --allow-destructive accepts only destructive ones', () => {
    const destructive = finding();
    const locking = finding({ check: 'lock-heavy', rule: 'require-concurrent-index-creation' });
    const verdict = judgePolicy({ ...none, findings: [destructive, locking] }, settings);
    expect(verdict.refusals.map((issue) => issue.finding)).toEqual([destructive, locking]);
    expect(verdict.refusals[0].allow).toMatchObject({ flag: '--allow-destructive', option: "checks['ban-drop-column']" });
    expect(verdict.refusals[0].allow.markers).toContain('lint:accept ban-drop-column');
    expect(verdict.refusals[1].allow.flag).toBeUndefined();
    const allowed = judgePolicy({ ...none, findings: [destructive, locking] }, { ...settings, allowDestructive: true });
    expect(allowed.refusals.map((issue) => issue.finding)).toEqual([locking]);
    expect(allowed.warnings.map((issue) => issue.finding)).toEqual([destructive]);
  });

  it('passes accepted findings and warns about findings at level warn', () => {
    const verdict = judgePolicy({ ...none, findings: [finding({ accepted: true, reason: 'reviewed' }), finding({ level: 'warn' })] }, settings);
    expect(verdict.refusals).toEqual([]);
    expect(verdict.warnings).toHaveLength(1);
  });
});
