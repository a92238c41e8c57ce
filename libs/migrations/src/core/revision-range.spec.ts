import { RevisionGraph } from './revision-graph';
import { revisionRange } from './revision-range';

describe('revisionRange', () => {
  // a <- b <- c <- d, and b <- e (a branch)
  const graph = RevisionGraph.build([
    { id: 'aaaa00000001', parents: [], message: 'a' },
    { id: 'bbbb00000002', parents: ['aaaa00000001'], message: 'b' },
    { id: 'cccc00000003', parents: ['bbbb00000002'], message: 'c' },
    { id: 'dddd00000004', parents: ['cccc00000003'], message: 'd' },
    { id: 'eeee00000005', parents: ['bbbb00000002'], message: 'e' },
  ]);
  const range = (spec: string, current: string[] = []) => [...revisionRange(graph, spec, current)].sort();

  it('takes both ends and what lies between', () => expect(range('bbbb:dddd')).toEqual(['bbbb00000002', 'cccc00000003', 'dddd00000004']));
  it('runs to every head when the end is left out', () =>
    expect(range('cccc:')).toEqual(['cccc00000003', 'dddd00000004']));
  it('runs from the base when the start is left out', () => expect(range(':bbbb')).toEqual(['aaaa00000001', 'bbbb00000002']));
  it('follows branches from the start', () => expect(range('bbbb:heads')).toEqual(['bbbb00000002', 'cccc00000003', 'dddd00000004', 'eeee00000005']));
  it('takes current as an end', () => expect(range('current:', ['cccc00000003'])).toEqual(['cccc00000003', 'dddd00000004']));
  it('is empty when the start comes after the end', () => expect(range('dddd:bbbb')).toEqual([]));
  it('refuses a spec without a colon', () => expect(() => range('bbbb')).toThrow(/a range is FROM:TO/));
  it('names an unknown end', () => expect(() => range('ffff:')).toThrow(/Can't locate revision identified by 'ffff'/));
});
