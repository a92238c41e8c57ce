import { describeSteps, graphOf, thrown } from './__fixtures__/revisions';
import { NotEnoughAppliedError, UnknownAppliedRevisionError, UsageError } from './errors';
import {
  currentHeads,
  pendingRevisions,
  planDowngrade,
  planRollback,
  planStamp,
  planUpgrade,
  summarize,
  unknownApplied,
} from './planner';
import { RevisionGraph } from './revision-graph';
import type { Target } from './target';

const to = (...ids: string[]): Target => ({ kind: 'revisions', ids });
const BASE: Target = { kind: 'base' };
const applied = (...ids: string[]) => new Set(ids);

const linear = graphOf('a b<a c<b d<c');
const forked = graphOf('a b<a c<a d<b e<c');
const merged = graphOf('a b<a c<a d<b,c');

describe('currentHeads', () => {
  it('is the newest applied revision on a chain', () => {
    expect(currentHeads(linear, applied('a', 'b'))).toEqual(['b']);
    expect(currentHeads(linear, applied())).toEqual([]);
  });

  it('lists every applied branch tip in topological order', () => {
    expect(currentHeads(forked, applied('e', 'a', 'b', 'c'))).toEqual(['b', 'e']);
  });

  it('ignores ids the graph does not know', () => {
    expect(currentHeads(linear, applied('a', 'zz'))).toEqual(['a']);
  });
});

describe('unknownApplied and pendingRevisions', () => {
  it('lists unknown applied ids once, in the given order', () => {
    expect(unknownApplied(linear, ['a', 'zz', 'b', 'yy', 'zz'])).toEqual(['zz', 'yy']);
  });

  it('lists pending revisions in topological order', () => {
    expect(pendingRevisions(forked, applied('a', 'c')).map((r) => r.id)).toEqual(['b', 'd', 'e']);
  });
});

describe('planUpgrade', () => {
  it('applies the whole chain from nothing, parents first', () => {
    expect(describeSteps(planUpgrade(linear, applied(), to('d')))).toEqual(['up:a', 'up:b', 'up:c', 'up:d']);
  });

  it('applies only what is missing up to a middle target', () => {
    expect(describeSteps(planUpgrade(linear, applied('a'), to('c')))).toEqual(['up:b', 'up:c']);
  });

  it('does nothing for a target behind the applied state, or base', () => {
    expect(planUpgrade(linear, applied('a', 'b', 'c'), to('a'))).toEqual([]);
    expect(planUpgrade(linear, applied(), BASE)).toEqual([]);
  });

  it('applies all branches for several heads, in topological order', () => {
    expect(describeSteps(planUpgrade(forked, applied('a'), to('d', 'e')))).toEqual(['up:b', 'up:c', 'up:d', 'up:e']);
  });

  it('applies one branch only when one head is targeted', () => {
    expect(describeSteps(planUpgrade(forked, applied('a'), to('e')))).toEqual(['up:c', 'up:e']);
  });

  it('applies both parents before a merge', () => {
    expect(describeSteps(planUpgrade(merged, applied('a', 'b'), to('d')))).toEqual(['up:c', 'up:d']);
  });

  it('fills a hole left by an inconsistent ledger', () => {
    expect(describeSteps(planUpgrade(linear, applied('a', 'c'), to('d')))).toEqual(['up:b', 'up:d']);
  });
});

describe('planDowngrade', () => {
  it('unapplies children before parents down to the target', () => {
    expect(describeSteps(planDowngrade(linear, applied('a', 'b', 'c', 'd'), to('b')))).toEqual(['down:d', 'down:c']);
  });

  it('unapplies everything for base', () => {
    expect(describeSteps(planDowngrade(linear, applied('a', 'b', 'c'), BASE))).toEqual(['down:c', 'down:b', 'down:a']);
  });

  it('does nothing for a target ahead of the applied state', () => {
    expect(planDowngrade(linear, applied('a'), to('d'))).toEqual([]);
  });

  it('removes the other branch when going back to one branch', () => {
    const plan = planDowngrade(forked, applied('a', 'b', 'c', 'd', 'e'), to('b'));
    expect(describeSteps(plan)).toEqual(['down:e', 'down:d', 'down:c']);
  });

  it('unapplies a merge but keeps both parents when they are targeted', () => {
    expect(describeSteps(planDowngrade(merged, applied('a', 'b', 'c', 'd'), to('b', 'c')))).toEqual(['down:d']);
  });

  it('refuses when the ledger holds revisions the code does not know', () => {
    const error = thrown(UnknownAppliedRevisionError, () => planDowngrade(linear, applied('a', 'zz'), BASE));
    expect(error.revisions).toEqual(['zz']);
  });
});

describe('planRollback', () => {
  it('reverts the most recently applied revisions, newest first', () => {
    expect(describeSteps(planRollback(linear, ['a', 'b', 'c'], 1))).toEqual(['down:c']);
    expect(describeSteps(planRollback(linear, ['a', 'b', 'c'], 3))).toEqual(['down:c', 'down:b', 'down:a']);
  });

  it('follows ledger order across branches rather than topological order', () => {
    expect(describeSteps(planRollback(forked, ['a', 'c', 'e', 'b'], 2))).toEqual(['down:b', 'down:e']);
  });

  it.each([0, -1, Number.NaN, 1.5, Number.POSITIVE_INFINITY])('rejects a step count of %p', (steps) => {
    const error = thrown(UsageError, () => planRollback(linear, ['a', 'b'], steps));
    expect(error.message).toBe(`Steps must be a positive whole number, got '${steps}'`);
  });

  it('refuses to roll back more than is applied', () => {
    const error = thrown(NotEnoughAppliedError, () => planRollback(linear, ['a', 'b'], 3));
    expect([error.requested, error.available]).toEqual([3, 2]);
    expect(thrown(NotEnoughAppliedError, () => planRollback(linear, [], 1)).available).toBe(0);
  });

  it('refuses when the ledger holds revisions the code does not know', () => {
    const error = thrown(UnknownAppliedRevisionError, () => planRollback(linear, ['a', 'b', 'zz'], 1));
    expect(error.revisions).toEqual(['zz']);
  });

  it('never reverts a revision whose descendant stays applied', () => {
    // b was stamped after c: the newest entry is c's parent, so reverting it first would orphan c.
    expect(describeSteps(planRollback(linear, ['a', 'c', 'b'], 1))).toEqual(['down:c']);
  });

  it('never reverts a parent before its child', () => {
    expect(describeSteps(planRollback(linear, ['a', 'c', 'b'], 2))).toEqual(['down:c', 'down:b']);
  });

  it('counts a revision recorded twice once, at its latest position', () => {
    expect(describeSteps(planRollback(forked, ['a', 'b', 'c', 'b'], 1))).toEqual(['down:b']);
    expect(() => planRollback(forked, ['a', 'b', 'b'], 3)).toThrow(NotEnoughAppliedError);
  });
});

describe('planStamp', () => {
  it('adds the target and its ancestors, parents first', () => {
    expect(planStamp(linear, applied(), to('c'))).toEqual({ add: ['a', 'b', 'c'], remove: [] });
  });

  it('removes what is past the target, children first', () => {
    expect(planStamp(linear, applied('a', 'b', 'c', 'd'), to('b'))).toEqual({ add: [], remove: ['d', 'c'] });
  });

  it('empties the ledger for base', () => {
    expect(planStamp(linear, applied('a', 'b'), BASE)).toEqual({ add: [], remove: ['b', 'a'] });
  });

  it('switches branches', () => {
    expect(planStamp(forked, applied('a', 'c', 'e'), to('d'))).toEqual({ add: ['b', 'd'], remove: ['e', 'c'] });
  });

  it('removes unknown applied ids first, newest ledger entry first', () => {
    expect(planStamp(linear, applied('a', 'b', 'yy', 'zz'), to('b'))).toEqual({ add: [], remove: ['zz', 'yy'] });
  });
});

describe('summarize', () => {
  it('reports a database at head', () => {
    expect(summarize(linear, ['a', 'b', 'c', 'd'])).toEqual({
      currentHeads: ['d'],
      heads: ['d'],
      atHead: true,
      pending: 0,
      unknown: [],
    });
  });

  it('counts pending revisions', () => {
    expect(summarize(forked, ['a', 'b'])).toMatchObject({ currentHeads: ['b'], heads: ['d', 'e'], atHead: false, pending: 3 });
  });

  it('is not at head when the ledger holds unknown revisions', () => {
    expect(summarize(linear, ['a', 'b', 'c', 'd', 'zz'])).toMatchObject({ atHead: false, pending: 0, unknown: ['zz'] });
  });

  it('treats an empty graph with an empty ledger as at head', () => {
    expect(summarize(RevisionGraph.build([]), [])).toMatchObject({ atHead: true, pending: 0, currentHeads: [] });
  });
});
