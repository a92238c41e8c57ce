import { levelsFrom } from '../core/lint/levels';
import { InvalidMigrationsOptionsError, resolveOptions } from './options-validation';

const problems = (options: object): string => {
  try {
    resolveOptions(options as never, '/app');
  } catch (error) {
    if (error instanceof InvalidMigrationsOptionsError) return error.message;
    throw error;
  }
  return '';
};

describe('checks: levels per rule, per family, and for user checks', () => {
  it('keeps what is given, fills only integrity, so each rule keeps its own default', () => {
    const { checks } = resolveOptions({ checks: { 'require-concurrent-index-creation': 'block', lockHeavy: 'off', 'no-truncate-users': 'warn' } }, '/app');
    expect(checks).toEqual({ 'require-concurrent-index-creation': 'block', lockHeavy: 'off', 'no-truncate-users': 'warn', integrity: 'warn' });
  });

  it('a rule id wins over its family; the old family names still set every rule of it', () => {
    const level = levelsFrom({ lockHeavy: 'off', 'require-concurrent-index-creation': 'block', destructive: 'warn' });
    expect(level('require-concurrent-index-creation', 'warn', 'lock-heavy')).toBe('block');
    expect(level('adding-foreign-key-constraint', 'warn', 'lock-heavy')).toBe('off');
    expect(level('ban-drop-column', 'block', 'destructive')).toBe('warn');
    expect(level('transaction-nesting', 'block', 'transaction')).toBe('block');
  });

  it("squawk's require-timeout-settings sets both timeout rules", () => {
    const level = levelsFrom({ 'require-timeout-settings': 'block' });
    expect([level('require-lock-timeout', 'warn', 'timeout'), level('require-statement-timeout', 'off', 'timeout')]).toEqual(['block', 'block']);
  });

  it('one message per mistake: a bad level, a likely typo of a rule id', () => {
    expect(problems({ checks: { destructive: 'loud', 'require-concurent-index-creation': 'block', lockHevy: 'warn' } })).toBe(
      "MigrationsModule: 'checks.destructive' must be off, warn or block, got \"loud\"; " +
        "unknown check 'checks.require-concurent-index-creation': did you mean 'require-concurrent-index-creation'?; " +
        "unknown check 'checks.lockHevy': did you mean 'lockHeavy'?",
    );
  });
});

describe('tableSizes', () => {
  it('has defaults, takes overrides, and false turns sizes off', () => {
    expect(resolveOptions({}, '/app').tableSizes).toEqual({ smallRows: 10_000, smallBytes: 10 * 1024 * 1024, largeRows: 1_000_000, largeBytes: 1024 ** 3 });
    expect(resolveOptions({ tableSizes: { largeRows: 50_000 } }, '/app').tableSizes).toMatchObject({ smallRows: 10_000, largeRows: 50_000 });
    expect(resolveOptions({ tableSizes: false }, '/app').tableSizes).toBe(false);
  });

  it('one message per mistake', () => {
    expect(problems({ tableSizes: { smallRows: -1, largeBytes: '1GB', huge: 1 } })).toBe(
      "MigrationsModule: unknown option 'tableSizes.huge'; 'tableSizes.smallRows' must be a whole number >= 0, got -1; " +
        "'tableSizes.largeBytes' must be a whole number >= 0, got \"1GB\"",
    );
    expect(problems({ tableSizes: { smallRows: 5000, largeRows: 100 } })).toBe("MigrationsModule: 'tableSizes.smallRows' (5000) must not exceed 'tableSizes.largeRows' (100)");
  });
});

describe('checkLiveDatabase: whether db check compares the live database too', () => {
  it('is on by default, false turns it off, anything else is a mistake', () => {
    expect(resolveOptions({}, '/app').checkLiveDatabase).toBe(true);
    expect(resolveOptions({ checkLiveDatabase: false }, '/app').checkLiveDatabase).toBe(false);
    expect(problems({ checkLiveDatabase: 'no' })).toBe("MigrationsModule: 'checkLiveDatabase' must be true or false, got \"no\"");
  });
});
