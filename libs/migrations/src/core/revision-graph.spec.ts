import { graphOf, rev, revisionsOf, thrown } from './__fixtures__/revisions';
import { CycleError, DuplicateRevisionError, UnknownParentError, UnknownRevisionError } from './errors';
import { RevisionGraph } from './revision-graph';

describe('RevisionGraph', () => {
  describe('a linear chain', () => {
    const graph = graphOf('a b<a c<b');

    it('orders parents before children', () => {
      expect(graph.ids()).toEqual(['a', 'b', 'c']);
      expect(graph.all().map((r) => r.id)).toEqual(['a', 'b', 'c']);
      expect(graph.size).toBe(3);
    });

    it('has one head and one base', () => {
      expect(graph.heads()).toEqual(['c']);
      expect(graph.bases()).toEqual(['a']);
      expect(graph.branchPoints()).toEqual([]);
    });

    it('answers ancestors and descendants without the revision itself', () => {
      expect(graph.ancestors('c')).toEqual(new Set(['a', 'b']));
      expect(graph.ancestors('a')).toEqual(new Set());
      expect(graph.descendants('a')).toEqual(new Set(['b', 'c']));
      expect(graph.descendants('c')).toEqual(new Set());
    });

    it('returns the ancestors-or-self closure of several ids', () => {
      expect(graph.ancestorsOrSelf(['b'])).toEqual(new Set(['a', 'b']));
      expect(graph.ancestorsOrSelf([])).toEqual(new Set());
    });

    it('looks revisions up by exact id and reports unknown ones', () => {
      expect(graph.has('b')).toBe(true);
      expect(graph.has('B')).toBe(false);
      expect(graph.get('b').message).toBe('revision b');
      expect(graph.indexOf('c')).toBe(2);
      const error = thrown(UnknownRevisionError, () => graph.get('zz'));
      expect(error.message).toBe("Can't locate revision identified by 'zz'");
      expect(() => graph.ancestors('zz')).toThrow(UnknownRevisionError);
    });
  });

  describe('branches and merges', () => {
    const graph = graphOf('a b<a c<a d<b,c e<d');

    it('reports the branch point and the merge', () => {
      expect(graph.branchPoints()).toEqual(['a']);
      expect(graph.children('a')).toEqual(['b', 'c']);
      expect(graph.isMerge('d')).toBe(true);
      expect(graph.isMerge('b')).toBe(false);
    });

    it('collects ancestors through every parent of a merge', () => {
      expect(graph.ancestors('e')).toEqual(new Set(['a', 'b', 'c', 'd']));
      expect(graph.descendants('c')).toEqual(new Set(['d', 'e']));
    });

    it('reports every unmerged branch tip as a head, in topological order', () => {
      const forked = graphOf('a b<a c<a x y<x');
      expect(forked.heads()).toEqual(['b', 'c', 'y']);
      expect(forked.bases()).toEqual(['a', 'x']);
    });

    it('counts a parent listed twice once', () => {
      const twice = RevisionGraph.build([rev('a'), rev('b', ['a', 'a'])]);
      expect(twice.isMerge('b')).toBe(false);
      expect(twice.children('a')).toEqual(['b']);
      expect(twice.parents('b')).toEqual(['a']);
    });

    it('builds an empty graph', () => {
      const empty = RevisionGraph.build([]);
      expect(empty.size).toBe(0);
      expect(empty.heads()).toEqual([]);
      expect(empty.all()).toEqual([]);
    });
  });

  describe('validation', () => {
    it('rejects a duplicate id', () => {
      const error = thrown(DuplicateRevisionError, () => graphOf('a b<a a'));
      expect(error.revision).toBe('a');
    });

    it('rejects a parent that does not exist and names both ends', () => {
      const error = thrown(UnknownParentError, () => graphOf('a b<a c<zz'));
      expect(error.revision).toBe('c');
      expect(error.parent).toBe('zz');
    });

    it('rejects a cycle and names the path', () => {
      const error = thrown(CycleError, () => graphOf('root a<root,c b<a c<b d<c'));
      expect(error.cycle).toEqual(['a', 'b', 'c', 'a']);
      expect(error.message).toBe('Revision graph has a cycle: a -> b -> c -> a');
    });

    it('rejects a two-revision cycle with no base at all', () => {
      expect(thrown(CycleError, () => graphOf('a<b b<a')).cycle).toEqual(['a', 'b', 'a']);
    });

    it('rejects a revision that is its own parent', () => {
      expect(thrown(CycleError, () => graphOf('a b<a,b')).cycle).toEqual(['b', 'b']);
    });
  });

  describe('topological determinism', () => {
    it('gives the same order whatever the input order', () => {
      const revisions = revisionsOf('a b<a c<a d<b,c e<a f<e');
      const expected = RevisionGraph.build(revisions).ids();
      expect(RevisionGraph.build([...revisions].reverse()).ids()).toEqual(expected);
      expect(RevisionGraph.build([revisions[3], revisions[5], ...revisions.slice(0, 3), revisions[4]]).ids()).toEqual(
        expected,
      );
      expect(expected).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    });

    it('breaks ties by createdAt before id', () => {
      const graph = RevisionGraph.build([rev('a', [], 0), rev('z', ['a'], 1), rev('b', ['a'], 2)]);
      expect(graph.ids()).toEqual(['a', 'z', 'b']);
    });

    it('places revisions without a date before dated ones, then by id', () => {
      const graph = RevisionGraph.build([rev('m', [], 5), rev('y'), rev('x')]);
      expect(graph.ids()).toEqual(['x', 'y', 'm']);
    });

    it('keeps parents first even when a child claims to be older', () => {
      const graph = RevisionGraph.build([rev('p', [], 10), rev('c', ['p'], 1), rev('q', [], 5)]);
      expect(graph.ids()).toEqual(['q', 'p', 'c']);
    });
  });
});
