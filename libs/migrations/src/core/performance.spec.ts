import { chainRevisions, hexId, rev } from './__fixtures__/revisions';
import { currentHeads, planRollback, planUpgrade, summarize } from './planner';
import { resolveTarget } from './resolve-revision';
import { RevisionGraph } from './revision-graph';

// The CLI rebuilds the graph on every call; these guard against a quadratic step sneaking in.
// Expected runtime is a few tens of milliseconds; the bound is loose so slow CI machines pass.
const BUDGET_MS = 1000;
const SIZE = 5000;

function timed<T>(fn: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = fn();
  return { result, ms: performance.now() - start };
}

describe('scale', () => {
  it('builds and walks a 5000-revision chain quickly', () => {
    const revisions = chainRevisions(SIZE).reverse();
    const { result, ms } = timed(() => {
      const graph = RevisionGraph.build(revisions);
      const applied = new Set(graph.ids());
      return { graph, all: graph.all(), heads: graph.heads(), current: currentHeads(graph, applied) };
    });
    expect(result.all).toHaveLength(SIZE);
    expect(result.all[0].id).toBe(hexId(1));
    expect(result.all[SIZE - 1].id).toBe(hexId(SIZE));
    expect(result.heads).toEqual([hexId(SIZE)]);
    expect(result.current).toEqual([hexId(SIZE)]);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('plans and resolves on a 5000-revision chain quickly', () => {
    const graph = RevisionGraph.build(chainRevisions(SIZE));
    const ledger = graph.ids().slice(0, SIZE / 2);
    const { result, ms } = timed(() => ({
      upgrade: planUpgrade(graph, new Set(ledger), resolveTarget(graph, 'head', new Set(ledger))),
      back: resolveTarget(graph, `-${SIZE / 2}`, new Set(ledger)),
      rollback: planRollback(graph, ledger, ledger.length),
      summary: summarize(graph, ledger),
    }));
    expect(result.upgrade).toHaveLength(SIZE / 2);
    expect(result.back).toEqual({ kind: 'base' });
    expect(result.rollback).toHaveLength(SIZE / 2);
    expect(result.summary.pending).toBe(SIZE / 2);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('builds a 5000-head fan quickly', () => {
    const revisions = [rev('root'), ...Array.from({ length: SIZE }, (_, i) => rev(hexId(i), ['root']))];
    const { result, ms } = timed(() => RevisionGraph.build(revisions).heads());
    expect(result).toHaveLength(SIZE);
    expect(ms).toBeLessThan(BUDGET_MS);
  });
});
