/** Table-driven rule tests: each rule fires on its trigger and stays quiet on the safe twin. */
import { findings, type EnvSpec, type MigrationSpec } from './lint-sql';

export interface RuleCase {
  /** What the case is about, for the test name. */
  readonly about: string;
  readonly trigger: MigrationSpec | MigrationSpec[] | string | string[];
  readonly safe: MigrationSpec | MigrationSpec[] | string | string[];
  readonly env?: EnvSpec;
  /** The safe twin's environment, when what makes it safe is the database (default: `env`). */
  readonly safeEnv?: EnvSpec;
  /** Part of the expected message. */
  readonly message?: string | RegExp;
}

export function describeRule(rule: string, cases: readonly RuleCase[]): void {
  describe(rule, () => {
    it.each(cases.map((c) => [c.about, c] as const))('%s: fires on the trigger, not on the safe twin', async (_about, c) => {
      const hits = await findings(rule, c.trigger, c.env);
      expect(hits.length).toBeGreaterThan(0);
      if (c.message) expect(hits[0].message).toMatch(c.message);
      expect(await findings(rule, c.safe, c.safeEnv ?? c.env)).toEqual([]);
    });
  });
}
