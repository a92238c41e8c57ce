import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT, validateEnvironment } from '../src/config/environment';
import { REPO_ROOT, runCli } from './support/cli';
import { expectCleanFailure } from './support/example-app';

/** The example app's environment: checked at start, and documented the same way in .env.example and docs/options.md. */
describe('configuration', () => {
  const defaults = validateEnvironment({});
  const variables = Object.keys(ENVIRONMENT.entries);

  /** `NAME -> default` from the `# NAME=value` lines of .env.example (an empty value: unset). */
  function envExample(): Map<string, string> {
    const text = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
    return new Map([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=(\S*)/gm)].map((m) => [m[1], m[2]]));
  }

  /** `NAME -> default` from the table of docs/options.md (`unset...` when there is none). */
  function optionsTable(): Map<string, string> {
    const text = readFileSync(join(REPO_ROOT, 'docs', 'options.md'), 'utf8');
    const section = text.slice(text.indexOf('## Environment variables of the example app'));
    return new Map([...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]));
  }

  it('.env.example lists every variable the app reads, with its default', () => {
    const listed = envExample();
    expect([...listed.keys()].sort()).toEqual([...variables].sort());
    for (const name of variables) {
      const value = defaults[name as keyof typeof defaults];
      expect({ name, listed: listed.get(name) }).toEqual({ name, listed: value === undefined ? '' : String(value) });
    }
  });

  it('docs/options.md lists the same variables with the same defaults', () => {
    const documented = optionsTable();
    expect([...documented.keys()].sort()).toEqual([...variables].sort());
    for (const name of variables) {
      const value = defaults[name as keyof typeof defaults];
      const shown = documented.get(name) as string;
      if (value === undefined) expect({ name, shown }).toEqual({ name, shown: expect.stringMatching(/^unset/) });
      else expect({ name, shown }).toEqual({ name, shown: `\`${String(value)}\`` });
    }
  });

  it('names the variable of a bad value, for a command: MIGRATIONS_LOCK_WAIT_MS=abc', async () => {
    const result = await runCli(['db', 'current'], { env: { MIGRATIONS_LOCK_WAIT_MS: 'abc' } });
    expectCleanFailure(result, 2, /^error: Invalid environment: MIGRATIONS_LOCK_WAIT_MS must be milliseconds \(a whole number >= 0\), got 'abc'$/m);
    expect(result.stderr).toMatch(/^hint: .*\.env\.example/m);
  });

  it('MIGRATE_ON_BOOT=yes no longer means off: the app refuses to start, in one line', async () => {
    const result = await runCli([], { env: { MIGRATE_ON_BOOT: 'yes', PORT: '0' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Invalid environment: MIGRATE_ON_BOOT must be true or false, got 'yes'$/m);
    expect(result.stdout + result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout + result.stderr).not.toMatch(/ExceptionHandler/);
  });

  it('accepts 1/0 and true/false, and treats an empty value as unset', () => {
    expect(validateEnvironment({ MIGRATE_ON_BOOT: '1', DATABASE_EMBEDDED: 'false', MIGRATIONS_DIR: '' })).toMatchObject({
      MIGRATE_ON_BOOT: true,
      DATABASE_EMBEDDED: false,
      MIGRATIONS_DIR: 'migrations',
    });
  });
});
