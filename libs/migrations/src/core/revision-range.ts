import { InvalidTargetError } from './errors';
import { resolveRevision } from './resolve-revision';
import type { RevisionGraph } from './revision-graph';

/**
 * The revisions of `db history -r A:B`: B and its ancestors that are A or descend from it, both ends included.
 * Either end may be left out (`A:` up to the heads, `:B` from the bases). Each end is an id, a unique prefix,
 * `base` (the start) or `head`/`heads` (the end); `current` is the database's current revision(s).
 */
export function revisionRange(graph: RevisionGraph, spec: string, current: readonly string[] = []): Set<string> {
  const parts = spec.split(':');
  if (parts.length !== 2) throw new InvalidTargetError(spec, 'a range is FROM:TO (either may be empty, e.g. `abc1:` or `:head`)');
  const [from, to] = parts.map((part) => part.trim());
  const ends = (side: string, end: 'from' | 'to'): string[] => {
    if (side === '') return [...(end === 'from' ? graph.bases() : graph.heads())];
    if (side === 'base') return end === 'from' ? [...graph.bases()] : [];
    if (side === 'head' || side === 'heads') return [...graph.heads()];
    if (side === 'current') return [...current];
    return [resolveRevision(graph, side)];
  };
  const upper = graph.ancestorsOrSelf(ends(to, 'to'));
  const lower = new Set<string>();
  for (const id of ends(from, 'from')) {
    lower.add(id);
    for (const descendant of graph.descendants(id)) lower.add(descendant);
  }
  return new Set([...upper].filter((id) => lower.has(id)));
}
