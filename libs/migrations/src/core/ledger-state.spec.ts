import { describeSteps, graphOf } from './__fixtures__/revisions';
import { LedgerState, type AppliedRow } from './ledger-state';
import { RevisionGraph } from './revision-graph';

const row = (id: string, kind: AppliedRow['kind'] = 'applied'): AppliedRow => ({
  id,
  kind,
  appliedAt: kind === 'typeorm' ? null : new Date('2026-11-01T00:00:00Z'),
  checksum: null,
  appliedBy: kind === 'typeorm' ? null : 'host:1',
  executionMs: kind === 'applied' ? 5 : null,
});

const linear = graphOf('a b<a c<b d<c');

describe('LedgerState', () => {
  it('knows what is applied, current, pending and unknown', () => {
    const state = new LedgerState(linear, [row('a'), row('b', 'stamped'), row('zz')]);
    expect([...state.applied]).toEqual(['a', 'b', 'zz']);
    expect(state.current).toEqual(['b']);
    expect(state.pending.map((rev) => rev.id)).toEqual(['c', 'd']);
    expect(state.unknown).toEqual(['zz']);
    expect(state.atHead).toBe(false);
    expect(state.row('b')?.kind).toBe('stamped');
  });

  it('keeps the first row of a revision recorded twice (TypeORM and the ledger are merged before)', () => {
    const state = new LedgerState(linear, [row('a', 'typeorm'), row('a'), row('b')]);
    expect(state.rows.map((r) => [r.id, r.kind])).toEqual([
      ['a', 'typeorm'],
      ['b', 'applied'],
    ]);
  });

  it('is at head when everything is applied and nothing is unknown', () => {
    expect(new LedgerState(linear, ['a', 'b', 'c', 'd'].map((id) => row(id))).atHead).toBe(true);
  });

  it('plans upgrades, rollbacks, downgrades and stamps from the rows it holds', () => {
    const state = new LedgerState(linear, [row('a'), row('b')]);
    expect(describeSteps(state.upgrade())).toEqual(['up:c', 'up:d']);
    expect(describeSteps(state.upgrade('c'))).toEqual(['up:c']);
    expect(describeSteps(state.rollback(2))).toEqual(['down:b', 'down:a']);
    expect(describeSteps(state.downgrade('a'))).toEqual(['down:b']);
    expect(describeSteps(state.downgrade('base'))).toEqual(['down:b', 'down:a']);
    expect(state.stamp('d')).toEqual({ add: ['c', 'd'], remove: [] });
    expect(state.stamp('base')).toEqual({ add: [], remove: ['b', 'a'] });
  });

  describe('with no revisions at all (a new project)', () => {
    const empty = RevisionGraph.build([]);
    it('has nothing to upgrade to head', () => {
      expect(new LedgerState(empty, []).upgrade('head')).toEqual([]);
      expect(new LedgerState(empty, []).upgrade('heads')).toEqual([]);
    });
    it('stamps head as base, removing only what the code does not know', () => {
      expect(new LedgerState(empty, []).stamp('head')).toEqual({ add: [], remove: [] });
      expect(new LedgerState(empty, [row('old')]).stamp('head')).toEqual({ add: [], remove: ['old'] });
    });
  });
});
