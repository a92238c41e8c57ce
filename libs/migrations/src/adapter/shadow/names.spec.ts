import { shadowName, shadowPattern, shadowStem, STEM_MAX, templateKey, templateName, templatePattern } from './names';

describe('shadow database names', () => {
  it('keeps a short database name as the stem, and every name within PostgreSQL 63-byte limit', () => {
    expect(shadowStem('app')).toBe('app');
    const long = 'a'.repeat(63);
    const stem = shadowStem(long);
    expect(stem).toHaveLength(STEM_MAX);
    expect(templateName(stem, '0123456789ab').length).toBeLessThanOrEqual(63);
    expect(shadowName(stem).length).toBeLessThanOrEqual(63);
  });

  it('gives two long names that share their first 30 characters different stems', () => {
    const head = 'x'.repeat(40);
    expect(shadowStem(`${head}_one`)).not.toBe(shadowStem(`${head}_two`));
  });

  it('reads the key back from a template name of the same stem only', () => {
    expect(templateKey('app', templateName('app', 'abcdef012345'))).toBe('abcdef012345');
    expect(templateKey('app', templateName('app2', 'abcdef012345'))).toBeUndefined();
  });

  it('escapes LIKE wildcards of the stem', () => {
    expect(templatePattern('my_app')).toBe('my\\_app\\_shadow\\_tpl\\_%');
    expect(shadowPattern('a%b')).toBe('a\\%b\\_shadow\\_%');
  });
});
