import { InvalidArgumentError } from 'commander';
import { parseRevisionSpec, parseSteps } from './option-parsers';

describe('parseSteps', () => {
  it.each(['1', '3', '10 '])('accepts %j', (value) => expect(parseSteps(value)).toBe(Number(value)));
  it.each(['0', '-1', 'abc', '1.5', '', '1e3', '99999999999999999999'])('rejects %j where it is parsed', (value) => {
    expect(() => parseSteps(value)).toThrow(InvalidArgumentError);
    expect(() => parseSteps(value)).toThrow(`Steps must be a positive whole number, got '${value}'.`);
  });
});

describe('parseRevisionSpec', () => {
  it('trims and keeps a spec', () => expect(parseRevisionSpec(' head ')).toBe('head'));
  it('rejects an empty spec', () => expect(() => parseRevisionSpec('  ')).toThrow(InvalidArgumentError));
});
