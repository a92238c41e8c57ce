import { NotEnoughAppliedError, UnknownAppliedRevisionError, UsageError } from './errors';
import type { Revision, Step } from './revision';
import type { RevisionGraph } from './revision-graph';
import type { Target } from './target';

/*
 * Pure planning: given the graph and what the ledger says is applied, decide which revisions to run
 * and in which order. Nothing here touches a database; the runtime executes the returned steps.
 * Plans are deterministic because they always follow the graph's topological order.
 */

/** Applied (known) revisions none of whose children are applied: "where the database is". */
export function currentHeads(graph: RevisionGraph, applied: ReadonlySet<string>): string[] {
  return graph.ids().filter((id) => applied.has(id) && !graph.children(id).some((child) => applied.has(child)));
}

/** Applied ids the graph does not know (newer code migrated the database, or a file was deleted), deduplicated. */
export function unknownApplied(graph: RevisionGraph, appliedIds: Iterable<string>): string[] {
  return [...new Set(appliedIds)].filter((id) => !graph.has(id));
}

/** Revisions not applied yet, in topological order. */
export function pendingRevisions(graph: RevisionGraph, applied: ReadonlySet<string>): Revision[] {
  return graph.all().filter((revision) => !applied.has(revision.id));
}

/**
 * Steps that apply every ancestor-or-self of the target that is not applied yet, parents first.
 * A target at or behind the applied state yields only what is missing (often nothing): moving
 * backwards is {@link planDowngrade}'s job and is never done implicitly.
 */
export function planUpgrade(graph: RevisionGraph, applied: ReadonlySet<string>, target: Target): Step[] {
  const wanted = requiredFor(graph, target);
  return graph
    .all()
    .filter((revision) => wanted.has(revision.id) && !applied.has(revision.id))
    .map((revision) => ({ direction: 'up', revision }));
}

/**
 * Steps that unapply every applied revision that is not an ancestor-or-self of a target id,
 * children before parents. `base` unapplies everything.
 * @throws UnknownAppliedRevisionError if the ledger holds revisions the graph lacks: their down
 *   code is not available and they may depend on revisions this plan would remove.
 */
export function planDowngrade(graph: RevisionGraph, applied: ReadonlySet<string>, target: Target): Step[] {
  assertAllKnown(graph, applied);
  const keep = requiredFor(graph, target);
  return reverseTopological(graph, (id) => applied.has(id) && !keep.has(id)).map(down(graph));
}

/**
 * Steps that revert the `steps` most recently applied revisions (ledger order, oldest first in
 * `appliedInOrder`), newest first.
 *
 * The ledger order is trusted only while it is consistent with the graph. When it is not (stamps,
 * hand-edited ledgers, re-parented files) taking the newest N could revert a revision whose
 * descendant stays applied, or revert a parent before its child. In that case the N revisions are
 * taken from the reverse topological order of the applied set instead (children first), which is
 * always safe: whatever it reverts, it reverts every applied descendant first.
 * @throws UsageError unless `steps` is a positive whole number.
 * @throws UnknownAppliedRevisionError when the ledger holds ids the graph lacks.
 * @throws NotEnoughAppliedError when fewer than `steps` revisions are applied.
 */
export function planRollback(graph: RevisionGraph, appliedInOrder: readonly string[], steps: number): Step[] {
  if (!Number.isInteger(steps) || steps <= 0) {
    throw new UsageError(`Steps must be a positive whole number, got '${steps}'`);
  }
  const ledger = lastOccurrences(appliedInOrder);
  assertAllKnown(graph, ledger);
  if (steps > ledger.length) throw new NotEnoughAppliedError(steps, ledger.length);
  const newest = ledger.slice(ledger.length - steps).reverse();
  if (isSafeRevertOrder(graph, ledger.slice(0, ledger.length - steps), newest)) return newest.map(down(graph));
  const applied = new Set(ledger);
  return reverseTopological(graph, (id) => applied.has(id)).slice(0, steps).map(down(graph));
}

/**
 * Ledger changes that make the applied set exactly the ancestors-or-self of the target (empty for
 * base), without running anything. `add` is parents first; `remove` is children first, and starts
 * with unknown applied ids (newest ledger entries first) since stamping is how a ledger that
 * references deleted revisions gets repaired.
 */
export function planStamp(
  graph: RevisionGraph,
  applied: ReadonlySet<string>,
  target: Target,
): { add: string[]; remove: string[] } {
  const keep = requiredFor(graph, target);
  const add = graph.ids().filter((id) => keep.has(id) && !applied.has(id));
  const unknown = unknownApplied(graph, applied).reverse();
  const stale = reverseTopological(graph, (id) => applied.has(id) && !keep.has(id));
  return { add, remove: [...unknown, ...stale] };
}

/** Snapshot of where the database stands relative to the code; backs `status`, `check` and health. */
export interface MigrationSummary {
  /** Applied known revisions without applied children, in topological order. */
  readonly currentHeads: string[];
  /** Heads of the graph, in topological order. */
  readonly heads: string[];
  /** True when nothing is pending and the ledger holds nothing the code does not know. */
  readonly atHead: boolean;
  /** Number of revisions not applied. */
  readonly pending: number;
  /** Applied ids the graph does not know. */
  readonly unknown: string[];
}

/** Summarises the applied ids (ledger order or any order) against the graph. */
export function summarize(graph: RevisionGraph, appliedIds: readonly string[]): MigrationSummary {
  const applied = new Set(appliedIds);
  const unknown = unknownApplied(graph, applied);
  const pending = graph.size - (applied.size - unknown.length);
  return {
    currentHeads: currentHeads(graph, applied),
    heads: [...graph.heads()],
    atHead: pending === 0 && unknown.length === 0,
    pending,
    unknown,
  };
}

/** The ids that must be applied for the target to be reached. */
function requiredFor(graph: RevisionGraph, target: Target): Set<string> {
  return target.kind === 'base' ? new Set() : graph.ancestorsOrSelf(target.ids);
}

function reverseTopological(graph: RevisionGraph, include: (id: string) => boolean): string[] {
  const ids = graph.ids();
  const result: string[] = [];
  for (let i = ids.length - 1; i >= 0; i--) if (include(ids[i])) result.push(ids[i]);
  return result;
}

function down(graph: RevisionGraph): (id: string) => Step {
  return (id) => ({ direction: 'down', revision: graph.get(id) });
}

function assertAllKnown(graph: RevisionGraph, appliedIds: Iterable<string>): void {
  const unknown = unknownApplied(graph, appliedIds);
  if (unknown.length > 0) throw new UnknownAppliedRevisionError(unknown);
}

/** A revision applied twice in the ledger counts once, at its latest position. */
function lastOccurrences(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (let i = ids.length - 1; i >= 0; i--) {
    if (!seen.has(ids[i])) result.push(ids[i]);
    seen.add(ids[i]);
  }
  return result.reverse();
}

/**
 * Whether reverting `revertOrder` one by one never leaves an applied descendant behind: no kept
 * revision, and no revision reverted later, may descend from the one being reverted. Grows one
 * ancestor closure incrementally (each node visited once), so this stays O(V + E).
 */
function isSafeRevertOrder(graph: RevisionGraph, kept: readonly string[], revertOrder: readonly string[]): boolean {
  const needed = new Set<string>();
  const absorb = (id: string) => {
    const queue = [id];
    for (let i = 0; i < queue.length; i++) {
      if (needed.has(queue[i])) continue;
      needed.add(queue[i]);
      queue.push(...graph.parents(queue[i]));
    }
  };
  kept.forEach(absorb);
  for (let i = revertOrder.length - 1; i >= 0; i--) {
    if (needed.has(revertOrder[i])) return false;
    absorb(revertOrder[i]);
  }
  return true;
}
