import { graphOf, rev, thrown } from './__fixtures__/revisions';
import {
  AmbiguousRevisionError,
  InvalidTargetError,
  MultipleHeadsError,
  UnknownAppliedRevisionError,
  UnknownRevisionError,
} from './errors';
import { resolveRevision, resolveTarget } from './resolve-revision';
import { RevisionGraph } from './revision-graph';

const NONE = new Set<string>();

describe('resolveRevision', () => {
  const graph = RevisionGraph.build([
    rev('ae1027a6acf0'),
    rev('ae10ffff0000', ['ae1027a6acf0']),
    rev('b7c2d3e4f5a6', ['ae10ffff0000']),
    rev('abcd', ['b7c2d3e4f5a6']),
    rev('abcdef012345', ['abcd']),
    rev('AddUsers1700000000000', ['abcdef012345']),
  ]);

  it('returns a full id as is', () => {
    expect(resolveRevision(graph, 'b7c2d3e4f5a6')).toBe('b7c2d3e4f5a6');
  });

  it('resolves a unique prefix of four or more characters', () => {
    expect(resolveRevision(graph, 'b7c2')).toBe('b7c2d3e4f5a6');
    expect(resolveRevision(graph, 'ae102')).toBe('ae1027a6acf0');
  });

  it('matches hex ids case-insensitively', () => {
    expect(resolveRevision(graph, 'B7C2D3')).toBe('b7c2d3e4f5a6');
  });

  it('matches non-hex ids case-sensitively', () => {
    expect(resolveRevision(graph, 'AddUsers')).toBe('AddUsers1700000000000');
    expect(() => resolveRevision(graph, 'addusers')).toThrow(UnknownRevisionError);
  });

  it('rejects an ambiguous prefix and lists the candidates', () => {
    const error = thrown(AmbiguousRevisionError, () => resolveRevision(graph, 'ae10'));
    expect(error.candidates).toEqual(['ae1027a6acf0', 'ae10ffff0000']);
  });

  it('lets an exact id win over longer ids it prefixes', () => {
    expect(resolveRevision(graph, 'abcd')).toBe('abcd');
    expect(resolveRevision(graph, 'ABCD')).toBe('abcd');
    expect(resolveRevision(graph, 'abcde')).toBe('abcdef012345');
  });

  it('rejects a prefix shorter than four characters', () => {
    const error = thrown(InvalidTargetError, () => resolveRevision(graph, 'b7c'));
    expect(error.target).toBe('b7c');
  });

  it('accepts an exact id shorter than four characters', () => {
    expect(resolveRevision(graphOf('a b<a'), 'b')).toBe('b');
  });

  it('reports an unknown revision in the standard wording', () => {
    const error = thrown(UnknownRevisionError, () => resolveRevision(graph, 'ffff'));
    expect(error.message).toBe("Can't locate revision identified by 'ffff'");
  });

  it('rejects an empty spec and trims whitespace', () => {
    expect(() => resolveRevision(graph, '  ')).toThrow(InvalidTargetError);
    expect(resolveRevision(graph, ' b7c2 ')).toBe('b7c2d3e4f5a6');
  });
});

describe('resolveTarget', () => {
  const linear = graphOf('a b<a c<b d<c');
  const forked = graphOf('a b<a c<a');
  const diamond = graphOf('a b<a c<a d<b,c');

  describe('keywords and ids', () => {
    it('resolves head, heads and base', () => {
      expect(resolveTarget(linear, 'head', NONE)).toEqual({ kind: 'revisions', ids: ['d'] });
      expect(resolveTarget(forked, 'heads', NONE)).toEqual({ kind: 'revisions', ids: ['b', 'c'] });
      expect(resolveTarget(linear, 'base', NONE)).toEqual({ kind: 'base' });
    });

    it('refuses head when there are several heads and lists them', () => {
      const error = thrown(MultipleHeadsError, () => resolveTarget(forked, 'head', NONE));
      expect(error.heads).toEqual(['b', 'c']);
    });

    it('refuses head on an empty graph', () => {
      expect(() => resolveTarget(RevisionGraph.build([]), 'head', NONE)).toThrow(InvalidTargetError);
    });

    it('resolves an id or prefix', () => {
      expect(resolveTarget(linear, 'c', NONE)).toEqual({ kind: 'revisions', ids: ['c'] });
      const hex = RevisionGraph.build([rev('0123456789ab')]);
      expect(resolveTarget(hex, '0123', NONE)).toEqual({ kind: 'revisions', ids: ['0123456789ab'] });
    });

    it('rejects an empty spec', () => {
      expect(() => resolveTarget(linear, '', NONE)).toThrow(InvalidTargetError);
    });
  });

  describe('+N from the current head', () => {
    it('starts before base when nothing is applied', () => {
      expect(resolveTarget(linear, '+1', NONE)).toEqual({ kind: 'revisions', ids: ['a'] });
      expect(resolveTarget(linear, '+4', NONE)).toEqual({ kind: 'revisions', ids: ['d'] });
    });

    it('steps forward from the applied head', () => {
      expect(resolveTarget(linear, '+2', new Set(['a', 'b']))).toEqual({ kind: 'revisions', ids: ['d'] });
    });

    it('refuses to step past the last revision', () => {
      const error = thrown(InvalidTargetError, () => resolveTarget(linear, '+3', new Set(['a', 'b'])));
      expect(error.message).toContain("only 2 revision(s) ahead of 'b'");
      expect(() => resolveTarget(linear, '+1', new Set(['a', 'b', 'c', 'd']))).toThrow(InvalidTargetError);
    });

    it('refuses a fork that leads to several heads', () => {
      const error = thrown(MultipleHeadsError, () => resolveTarget(forked, '+1', new Set(['a'])));
      expect(error.heads).toEqual(['b', 'c']);
    });

    it('refuses a fork that rejoins, since the path is still ambiguous', () => {
      expect(() => resolveTarget(diamond, '+2', new Set(['a']))).toThrow(InvalidTargetError);
    });

    it('walks into a merge from one of its parents', () => {
      expect(resolveTarget(diamond, '+1', new Set(['a', 'b']))).toEqual({ kind: 'revisions', ids: ['d'] });
    });

    it('refuses when several branches are applied', () => {
      const error = thrown(MultipleHeadsError, () => resolveTarget(graphOf('a b<a c<a d<b'), '+1', new Set(['a', 'b', 'c'])));
      expect(error.heads).toEqual(['b', 'c']);
    });

    it('refuses when the ledger holds revisions the code does not know', () => {
      expect(() => resolveTarget(linear, '+1', new Set(['a', 'zz']))).toThrow(UnknownAppliedRevisionError);
    });
  });

  describe('-N from the current head', () => {
    const all = new Set(['a', 'b', 'c', 'd']);

    it('steps back along the chain', () => {
      expect(resolveTarget(linear, '-1', all)).toEqual({ kind: 'revisions', ids: ['c'] });
      expect(resolveTarget(linear, '-3', all)).toEqual({ kind: 'revisions', ids: ['a'] });
    });

    it('lands on base only when exactly N steps reach it', () => {
      expect(resolveTarget(linear, '-4', all)).toEqual({ kind: 'base' });
      const error = thrown(InvalidTargetError, () => resolveTarget(linear, '-5', all));
      expect(error.message).toContain("'d' is only 4 step(s) above base");
    });

    it('follows the first parent of a merge', () => {
      expect(resolveTarget(graphOf('a b<a c<a d<c,b'), '-1', new Set(['a', 'b', 'c', 'd']))).toEqual({
        kind: 'revisions',
        ids: ['c'],
      });
    });

    it('refuses to step back when nothing is applied', () => {
      expect(() => resolveTarget(linear, '-1', NONE)).toThrow(InvalidTargetError);
    });
  });

  describe('step counts', () => {
    it.each(['+0', '-0', '+abc', '-x', '+', '-', '+1.5', 'c+0', 'c-0', '+99999999999999999999'])(
      "rejects '%s'",
      (spec) => {
        expect(() => resolveTarget(linear, spec, new Set(['a', 'b']))).toThrow(InvalidTargetError);
      },
    );

    it('treats a non-numeric suffix after a revision as a revision name', () => {
      expect(() => resolveTarget(linear, 'foo-bar', NONE)).toThrow(UnknownRevisionError);
    });
  });

  describe('<anchor>+N and <anchor>-N', () => {
    it('steps relative to a revision, ignoring what is applied', () => {
      expect(resolveTarget(linear, 'b+2', NONE)).toEqual({ kind: 'revisions', ids: ['d'] });
      expect(resolveTarget(linear, 'c-2', NONE)).toEqual({ kind: 'revisions', ids: ['a'] });
      expect(resolveTarget(linear, 'b-2', NONE)).toEqual({ kind: 'base' });
      expect(() => resolveTarget(linear, 'b-3', NONE)).toThrow(InvalidTargetError);
    });

    it('accepts a prefix as the anchor', () => {
      const hex = RevisionGraph.build([rev('0123456789ab'), rev('fedcba987654', ['0123456789ab'])]);
      expect(resolveTarget(hex, '0123+1', NONE)).toEqual({ kind: 'revisions', ids: ['fedcba987654'] });
    });

    it('accepts head and base as anchors', () => {
      expect(resolveTarget(linear, 'head-1', NONE)).toEqual({ kind: 'revisions', ids: ['c'] });
      expect(resolveTarget(linear, 'base+2', NONE)).toEqual({ kind: 'revisions', ids: ['b'] });
      expect(() => resolveTarget(linear, 'base-1', NONE)).toThrow(InvalidTargetError);
      expect(() => resolveTarget(forked, 'head-1', NONE)).toThrow(MultipleHeadsError);
    });

    it('reports an unknown anchor', () => {
      expect(() => resolveTarget(linear, 'zzzz+1', NONE)).toThrow(UnknownRevisionError);
    });
  });
});
