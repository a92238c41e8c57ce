import { currentHeads, planDowngrade, planRollback, planStamp, planUpgrade, unknownApplied } from './planner';
import { resolveTarget } from './resolve-revision';
import type { Revision, Step } from './revision';
import type { RevisionGraph } from './revision-graph';
import { baseTarget, type Target } from './target';

/** How a revision came to be recorded as applied. */
export type AppliedKind = 'applied' | 'stamped' | 'typeorm';

/** One applied revision as the ledger (or TypeORM's own table) records it. */
export interface AppliedRow {
  /** Revision id; a row of TypeORM's table is mapped to the id of the file that has its name. */
  readonly id: string;
  readonly kind: AppliedKind;
  /** When it ran; `null` for TypeORM's rows, which record the class's timestamp, not when it ran. */
  readonly appliedAt: Date | null;
  readonly checksum: string | null;
  readonly appliedBy: string | null;
  readonly executionMs: number | null;
}

/**
 * Where a database stands against the code: the ledger read once, under the migration lock for a mutating
 * run, and the plans that follow from it. Pure: built from rows and the revision graph, so it is tested
 * without a database.
 */
export class LedgerState {
  /** Applied revisions, oldest first, each once. */
  readonly rows: readonly AppliedRow[];
  readonly applied: ReadonlySet<string>;
  private readonly byId: ReadonlyMap<string, AppliedRow>;

  constructor(
    readonly graph: RevisionGraph,
    rows: readonly AppliedRow[],
    /** Whether the ledger table exists (read-only commands never create it). */
    readonly ledgerExists = rows.length > 0,
  ) {
    const byId = new Map<string, AppliedRow>();
    for (const row of rows) if (!byId.has(row.id)) byId.set(row.id, row);
    this.rows = [...byId.values()];
    this.byId = byId;
    this.applied = new Set(byId.keys());
  }

  row(id: string): AppliedRow | undefined {
    return this.byId.get(id);
  }

  /** Applied revisions the code does not know: newer code migrated the database, or a file was deleted. */
  get unknown(): string[] {
    return unknownApplied(this.graph, this.applied);
  }

  /** Applied revisions none of whose children are applied: "where the database is". */
  get current(): string[] {
    return currentHeads(this.graph, this.applied);
  }

  get pending(): Revision[] {
    return this.graph.all().filter((revision) => !this.applied.has(revision.id));
  }

  /** Nothing pending and nothing unknown. */
  get atHead(): boolean {
    return this.pending.length === 0 && this.unknown.length === 0;
  }

  /** Steps that apply what the target needs and is not applied (`head` by default; nothing when there are no revisions). */
  upgrade(spec = 'head'): Step[] {
    if (this.graph.size === 0 && isHeadSpec(spec)) return [];
    return planUpgrade(this.graph, this.applied, resolveTarget(this.graph, spec, this.applied));
  }

  /** Steps that revert the `steps` most recently applied revisions, newest first. */
  rollback(steps: number): Step[] {
    return planRollback(this.graph, this.rows.map((row) => row.id), steps);
  }

  /** Steps that revert everything applied that the target (a revision, or `base`) does not need, children first. */
  downgrade(spec: string): Step[] {
    return planDowngrade(this.graph, this.applied, this.target(spec));
  }

  /** Ledger changes that make it say `spec` without running anything; `head` on a history with no revisions is base. */
  stamp(spec = 'head'): { add: string[]; remove: string[] } {
    const target = this.graph.size === 0 && isHeadSpec(spec) ? baseTarget() : this.target(spec);
    return planStamp(this.graph, this.applied, target);
  }

  private target(spec: string): Target {
    return resolveTarget(this.graph, spec, this.applied);
  }
}

function isHeadSpec(spec: string): boolean {
  return spec.trim() === 'head' || spec.trim() === 'heads';
}
