import { InvalidTargetError, MultipleHeadsError } from './errors';
import type { RevisionGraph } from './revision-graph';
import { baseTarget, revisionsTarget, type Target } from './target';

/**
 * Walks `count` revisions forward from `from` (`null` = before the bases). The walk must be a
 * single path: at every step there has to be exactly one next revision, otherwise "+N" would pick
 * one branch arbitrarily. A merge on the way is fine; upgrading to it applies its other parents too.
 * @throws MultipleHeadsError when the fork leads to several heads.
 * @throws InvalidTargetError when the fork rejoins (diamond) or fewer than `count` revisions are ahead.
 */
export function stepForward(graph: RevisionGraph, from: string | null, count: number, spec: string): string {
  let current = from;
  for (let step = 1; step <= count; step++) {
    const next = current === null ? graph.bases() : graph.children(current);
    if (next.length === 0) {
      throw new InvalidTargetError(spec, `only ${step - 1} revision(s) ahead of ${describe(from)}`);
    }
    if (next.length > 1) throw forkError(graph, current, next, spec);
    current = next[0];
  }
  return current as string;
}

/**
 * Walks `count` revisions back from `from`, following first parents (the branch a merge was made
 * on). Stepping off a base lands on "base", but only as the very last step: asking to go further
 * than that is almost always a miscounted rollback, so it is refused rather than clamped.
 * @throws InvalidTargetError when `count` goes past base.
 */
export function stepBack(graph: RevisionGraph, from: string, count: number, spec: string): Target {
  let current = from;
  for (let step = 1; step <= count; step++) {
    const parents = graph.parents(current);
    if (parents.length === 0) {
      if (step === count) return baseTarget();
      throw new InvalidTargetError(spec, `'${from}' is only ${step} step(s) above base`);
    }
    current = parents[0];
  }
  return revisionsTarget([current]);
}

function forkError(graph: RevisionGraph, at: string | null, next: readonly string[], spec: string): Error {
  const reachableHeads = at === null ? graph.heads() : headsBelow(graph, at);
  if (reachableHeads.length > 1) return new MultipleHeadsError(reachableHeads, `step '${spec}'`);
  return new InvalidTargetError(
    spec,
    `${describe(at)} is followed by several revisions (${next.join(', ')}), so the path is ambiguous`,
    'Name the target revision instead of a relative step.',
  );
}

function headsBelow(graph: RevisionGraph, id: string): string[] {
  const below = graph.descendants(id);
  return graph.heads().filter((head) => below.has(head));
}

function describe(at: string | null): string {
  return at === null ? 'base' : `'${at}'`;
}
