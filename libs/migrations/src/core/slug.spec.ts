import { UsageError } from './errors';
import { className, FALLBACK_SLUG, MAX_SLUG_LENGTH, slugify, validateMessage } from './slug';

const SAFE_SLUG = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

describe('slugify', () => {
  it.each([
    ['Add products table', 'add_products_table'],
    ['  Add   products\ttable  ', 'add_products_table'],
    ['Add email-verification fields!', 'add_email_verification_fields'],
    ['add "users".email (unique), v2', 'add_users_email_unique_v2'],
    ['snake_case__and--dashes', 'snake_case_and_dashes'],
    ['UPPER CamelCase', 'upper_camelcase'],
    ['../../etc/passwd', 'etc_passwd'],
    ['..', FALLBACK_SLUG],
    ['a/b\\c', 'a_b_c'],
    ['C:\\Windows\\system32', 'c_windows_system32'],
    ['Café crème', 'cafe_creme'],
    ['Ångström über naïve façade', 'angstrom_uber_naive_facade'],
    ['Straße Œuvre Øre Łódź', 'strasse_oeuvre_ore_lodz'],
    ['İstanbul', 'istanbul'],
    ['ＦＵＬＬ ｗｉｄｔｈ ①', 'full_width_1'],
    ['🚀 launch 🎉 day', 'launch_day'],
    ['🚀🎉', FALLBACK_SLUG],
    ['日本語のテキスト', FALLBACK_SLUG],
    ['Добавить таблицу', FALLBACK_SLUG],
    ['!!!---...???', FALLBACK_SLUG],
    ['', FALLBACK_SLUG],
    ['2fa for users', '2fa_for_users'],
    ['20261120 backfill', '20261120_backfill'],
    ['null\u0000byte\nnewline', 'null_byte_newline'],
  ])('%j -> %j', (message, slug) => {
    expect(slugify(message)).toBe(slug);
  });

  it('cuts a long message at a word boundary, within 60 characters', () => {
    const message = 'Add a very long list of columns to the customer accounts table for the new billing system';
    const slug = slugify(message);
    expect(slug).toBe('add_a_very_long_list_of_columns_to_the_customer_accounts');
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(message.toLowerCase().replace(/ /g, '_').startsWith(slug + '_')).toBe(true);
  });

  it('keeps a word ending exactly at the limit', () => {
    const message = `${'a'.repeat(29)} ${'b'.repeat(30)} ccc`;
    expect(slugify(message)).toBe(`${'a'.repeat(29)}_${'b'.repeat(30)}`);
  });

  it('hard-cuts one endless word, without a trailing separator', () => {
    expect(slugify('x'.repeat(500))).toBe('x'.repeat(60));
    expect(slugify(`ab ${'y'.repeat(80)}`)).toBe(`ab_${'y'.repeat(57)}`);
    const cut = slugify(`${'z'.repeat(59)} w`);
    expect(cut).toBe('z'.repeat(59));
  });

  it.each([
    'x'.repeat(1000),
    '../'.repeat(100) + 'etc/passwd',
    'a_'.repeat(200),
    '🚀 é '.repeat(100),
    'Ünïcödé wörds '.repeat(20),
  ])('always yields a safe file-name part (%#)', (message) => {
    const slug = slugify(message);
    expect(slug).toMatch(SAFE_SLUG);
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug).not.toContain('..');
    expect(slug).not.toMatch(/[/\\]/);
  });
});

describe('validateMessage', () => {
  it('returns the trimmed message', () => {
    expect(validateMessage('  Add products table \t')).toBe('Add products table');
    expect(validateMessage('Add "quotes", \'apostrophes\' and \\ backslashes')).toBe(
      'Add "quotes", \'apostrophes\' and \\ backslashes',
    );
    expect(validateMessage('Café 🚀')).toBe('Café 🚀');
  });

  it.each(['', '   ', '\n\t '])('rejects an empty message %j', (message) => {
    expect(() => validateMessage(message)).toThrow(new UsageError('Migration message must not be empty'));
  });

  it.each(['line one\nline two', 'carriage\rreturn', 'tab\tinside', 'nul\u0000', 'esc\u001b[31m', 'sep\u2028x', 'bidi\u202eevil'])(
    'rejects control characters in %j',
    (message) => {
      const error = captureError(() => validateMessage(message));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toBe('Migration message must be a single line without control characters (newlines, tabs...)');
      expect(error.exitCode).toBe(2);
    },
  );

  it('accepts 200 characters and rejects 201', () => {
    expect(validateMessage('m'.repeat(200))).toBe('m'.repeat(200));
    expect(validateMessage('é'.repeat(200))).toBe('é'.repeat(200));
    expect(validateMessage('🚀'.repeat(200))).toHaveLength(400); // counted in characters, not UTF-16 units
    const error = captureError(() => validateMessage('m'.repeat(201)));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe('Migration message is too long: 201 characters, at most 200');
    expect(error.message).not.toContain('\n');
  });
});

describe('className', () => {
  const ts = 1795344420000;

  it.each([
    ['Add email verification fields', 'AddEmailVerificationFields1795344420000'],
    ['add products table', 'AddProductsTable1795344420000'],
    ['Café crème', 'CafeCreme1795344420000'],
    ['../../etc/passwd', 'EtcPasswd1795344420000'],
    ['2fa for users', 'Migration2faForUsers1795344420000'],
    ['123', 'Migration1231795344420000'],
    ['!!!', 'Migration1795344420000'],
    ['日本語', 'Migration1795344420000'],
  ])('%j -> %s', (message, name) => {
    expect(className(message, ts)).toBe(name);
  });

  it('is a valid identifier ending in the 13-digit timestamp, with at most 60 characters before it', () => {
    for (const message of ['x'.repeat(300), 'word '.repeat(50), '9 '.repeat(80), `1${'d'.repeat(100)}`, 'é🚀 ok']) {
      const name = className(message, ts);
      expect(name).toMatch(/^[A-Za-z][A-Za-z0-9]*1795344420000$/);
      expect(name.length - 13).toBeLessThanOrEqual(60);
    }
    // The slug is bounded first (12 words = 59 characters), the class name follows its words.
    expect(className('word '.repeat(50), ts)).toBe('Word'.repeat(12) + ts);
  });

  it('pads a timestamp before September 2001 to 13 digits and rejects invalid ones', () => {
    expect(className('init', 946684800000)).toBe('Init0946684800000');
    for (const bad of [-1, 1.5, NaN, Infinity, 10_000_000_000_000]) {
      expect(() => className('init', bad)).toThrow(UsageError);
    }
  });
});

function captureError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    return error as UsageError;
  }
  throw new Error('expected an error');
}
