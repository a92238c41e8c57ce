import { chainRevisions, hexId, rev } from './__fixtures__/revisions';
import { currentHeads, planRollback, planUpgrade, summarize } from './planner';
import { resolveTarget } from './resolve-revision';
import { RevisionGraph } from './revision-graph';

// Behaviour at the sizes real histories reach; how fast it is, is measured in bench/core.bench.js.
const SIZE = 5000;

describe('scale', () => {
  it('builds and walks a 5000-revision chain given newest first', () => {
    const graph = RevisionGraph.build(chainRevisions(SIZE).reverse());
    const all = graph.all();
    expect(all).toHaveLength(SIZE);
    expect(all[0].id).toBe(hexId(1));
    expect(all[SIZE - 1].id).toBe(hexId(SIZE));
    expect(graph.heads()).toEqual([hexId(SIZE)]);
    expect(currentHeads(graph, new Set(graph.ids()))).toEqual([hexId(SIZE)]);
  });

  it('plans and resolves on a 5000-revision chain, half applied', () => {
    const graph = RevisionGraph.build(chainRevisions(SIZE));
    const ledger = graph.ids().slice(0, SIZE / 2);
    expect(planUpgrade(graph, new Set(ledger), resolveTarget(graph, 'head', new Set(ledger)))).toHaveLength(SIZE / 2);
    expect(resolveTarget(graph, `-${SIZE / 2}`, new Set(ledger))).toEqual({ kind: 'base' });
    expect(planRollback(graph, ledger, ledger.length)).toHaveLength(SIZE / 2);
    expect(summarize(graph, ledger).pending).toBe(SIZE / 2);
  });

  it('builds a 5000-head fan', () => {
    const revisions = [rev('root'), ...Array.from({ length: SIZE }, (_, i) => rev(hexId(i), ['root']))];
    expect(RevisionGraph.build(revisions).heads()).toHaveLength(SIZE);
  });
});
