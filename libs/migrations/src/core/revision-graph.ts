import { CycleError, DuplicateRevisionError, UnknownParentError, UnknownRevisionError } from './errors';
import { MinHeap } from './min-heap';
import type { Revision } from './revision';

interface GraphNode {
  readonly revision: Revision;
  /** Position in the topological order. */
  readonly index: number;
  /** Distinct parent ids, in the order the revision declares them (the first one is the "first parent"). */
  readonly parents: readonly string[];
  /** Child ids in topological order. */
  readonly children: string[];
}

/**
 * The validated, immutable DAG of revisions. Everything the planners need (topological order,
 * children, heads, bases) is computed once in {@link RevisionGraph.build}, because the CLI rebuilds
 * the graph on every call and real projects have thousands of revisions.
 */
export class RevisionGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly ordered: readonly Revision[];
  private readonly orderedIds: readonly string[];
  private readonly headIds: readonly string[];
  private readonly baseIds: readonly string[];

  private constructor(topoOrder: readonly Revision[]) {
    this.ordered = topoOrder;
    this.orderedIds = topoOrder.map((r) => r.id);
    topoOrder.forEach((revision, index) => {
      const parents = distinct(revision.parents);
      this.nodes.set(revision.id, { revision, index, parents, children: [] });
      // Parents precede children in topoOrder, so each children list fills up already sorted.
      for (const parent of parents) this.node(parent).children.push(revision.id);
    });
    this.headIds = this.orderedIds.filter((id) => this.node(id).children.length === 0);
    this.baseIds = this.orderedIds.filter((id) => this.node(id).parents.length === 0);
  }

  /**
   * Validates the revisions and builds the graph in O((V + E) log V).
   * @throws DuplicateRevisionError when two revisions share an id.
   * @throws UnknownParentError when a revision names a parent that is not in the list.
   * @throws CycleError when parents loop back (including a revision that is its own parent).
   */
  static build(revisions: readonly Revision[]): RevisionGraph {
    assertUniqueIds(revisions);
    assertKnownParents(revisions);
    return new RevisionGraph(topologicalOrder(revisions));
  }

  /** Number of revisions. */
  get size(): number {
    return this.ordered.length;
  }

  /** Whether a revision with exactly this id exists. */
  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /**
   * The revision with exactly this id.
   * @throws UnknownRevisionError when there is none (use {@link has} to probe).
   */
  get(id: string): Revision {
    return this.node(id).revision;
  }

  /** Position of the revision in {@link all}; lets callers sort any subset topologically in O(k log k). */
  indexOf(id: string): number {
    return this.node(id).index;
  }

  /** All ids in topological order. */
  ids(): readonly string[] {
    return this.orderedIds;
  }

  /**
   * All revisions, parents before children. Ties are broken by `createdAt` ascending (a missing
   * date sorts first), then by id, so the order does not depend on how files were listed.
   */
  all(): readonly Revision[] {
    return this.ordered;
  }

  /** Ids of revisions without children, in topological order. */
  heads(): readonly string[] {
    return this.headIds;
  }

  /** Ids of revisions without parents, in topological order. */
  bases(): readonly string[] {
    return this.baseIds;
  }

  /** Distinct parent ids of a revision, in declared order. */
  parents(id: string): readonly string[] {
    return this.node(id).parents;
  }

  /** Child ids of a revision, in topological order. */
  children(id: string): readonly string[] {
    return this.node(id).children;
  }

  /** Ids of revisions with more than one child, in topological order. */
  branchPoints(): string[] {
    return this.orderedIds.filter((id) => this.node(id).children.length > 1);
  }

  /** Whether the revision has more than one distinct parent. */
  isMerge(id: string): boolean {
    return this.node(id).parents.length > 1;
  }

  /** Every revision reachable through parents, excluding `id` itself. */
  ancestors(id: string): Set<string> {
    return this.walk(this.node(id).parents, (n) => n.parents);
  }

  /** Every revision reachable through children, excluding `id` itself. */
  descendants(id: string): Set<string> {
    return this.walk(this.node(id).children, (n) => n.children);
  }

  /** Union of the given ids and all their ancestors: what must be applied for them to be applied. */
  ancestorsOrSelf(ids: Iterable<string>): Set<string> {
    const starts = [...ids];
    for (const id of starts) this.node(id);
    return this.walk(starts, (n) => n.parents);
  }

  /** Breadth-first closure from `starts` (included); each node is visited once, so O(V + E). */
  private walk(starts: readonly string[], next: (node: GraphNode) => readonly string[]): Set<string> {
    const seen = new Set<string>(starts);
    const queue = [...seen];
    for (let i = 0; i < queue.length; i++) {
      for (const id of next(this.node(queue[i]))) {
        if (seen.has(id)) continue;
        seen.add(id);
        queue.push(id);
      }
    }
    return seen;
  }

  private node(id: string): GraphNode {
    const node = this.nodes.get(id);
    if (!node) throw new UnknownRevisionError(id);
    return node;
  }
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function assertUniqueIds(revisions: readonly Revision[]): void {
  const seen = new Set<string>();
  for (const { id } of revisions) {
    if (seen.has(id)) throw new DuplicateRevisionError(id);
    seen.add(id);
  }
}

function assertKnownParents(revisions: readonly Revision[]): void {
  const ids = new Set(revisions.map((r) => r.id));
  for (const revision of revisions) {
    const missing = revision.parents.find((p) => !ids.has(p));
    if (missing !== undefined) throw new UnknownParentError(revision.id, missing);
  }
}

/** Orders by date then id; an absent or invalid date counts as "oldest" so legacy files come first. */
function compareRevisions(a: Revision, b: Revision): number {
  // Compare rather than subtract: -Infinity - -Infinity is NaN, which would break the sort.
  const [ta, tb] = [timeOf(a), timeOf(b)];
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function timeOf(revision: Revision): number {
  const time = revision.createdAt?.getTime();
  return time === undefined || Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

/**
 * Kahn's algorithm over ranks (positions in the date/id sort): the ready set is a min-heap, so the
 * smallest-ranked revision whose parents are all placed always comes next.
 */
function topologicalOrder(revisions: readonly Revision[]): Revision[] {
  const sorted = [...revisions].sort(compareRevisions);
  const rankOf = new Map(sorted.map((r, rank) => [r.id, rank]));
  const parentRanks = sorted.map((r) => distinct(r.parents).map((p) => rankOf.get(p) as number));
  const childRanks: number[][] = sorted.map(() => []);
  parentRanks.forEach((parents, rank) => parents.forEach((p) => childRanks[p].push(rank)));

  const pending = parentRanks.map((parents) => parents.length);
  const ready = new MinHeap();
  pending.forEach((count, rank) => {
    if (count === 0) ready.push(rank);
  });
  const order: Revision[] = [];
  for (let rank = ready.pop(); rank !== undefined; rank = ready.pop()) {
    order.push(sorted[rank]);
    for (const child of childRanks[rank]) if (--pending[child] === 0) ready.push(child);
  }
  if (order.length < sorted.length) throw new CycleError(findCycle(sorted, parentRanks, pending));
  return order;
}

/**
 * Every revision Kahn could not place still has an unplaced parent, so following unplaced parents
 * from any of them must loop. Returns the loop in history order (parent -> child), starting and
 * ending at its lowest-ranked member, e.g. ['a', 'b', 'a'] or ['a', 'a'] for a self-parent.
 */
function findCycle(sorted: readonly Revision[], parentRanks: number[][], pending: number[]): string[] {
  const stuck = (rank: number) => pending[rank] > 0;
  const positionInWalk = new Map<number, number>();
  const walk: number[] = [];
  let current = pending.findIndex((count) => count > 0);
  while (!positionInWalk.has(current)) {
    positionInWalk.set(current, walk.length);
    walk.push(current);
    current = parentRanks[current].find(stuck) as number;
  }
  // The walk went child -> parent; reverse it so the path reads the way history flows.
  const loop = walk.slice(positionInWalk.get(current)).reverse();
  const start = loop.indexOf(Math.min(...loop));
  const rotated = [...loop.slice(start), ...loop.slice(0, start)];
  return [...rotated, rotated[0]].map((rank) => sorted[rank].id);
}
