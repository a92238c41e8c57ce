/**
 * A revision as the core sees it: identity and place in the graph, nothing about how it runs.
 * The adapter builds these from migration files; unit tests build them in memory.
 */
export interface Revision {
  /** Unique id: 12 hex chars for our format, the class name for plain TypeORM migrations. */
  readonly id: string;
  /** Ids of the parent revisions: none for a base, several for a merge. */
  readonly parents: readonly string[];
  /** Human description ("Add products table"). */
  readonly message: string;
  /** When the revision was written, when known. */
  readonly createdAt?: Date;
}

/** A revision recorded in the ledger as applied (or stamped). */
export interface AppliedRevision {
  readonly id: string;
  readonly appliedAt?: Date;
  readonly checksum?: string | null;
  /** `stamped` rows were recorded without running the migration. */
  readonly kind?: 'applied' | 'stamped' | 'legacy';
}

export type Direction = 'up' | 'down';

/** One unit of work the runtime performs: run a revision up or down and record it in the ledger. */
export interface Step {
  readonly direction: Direction;
  readonly revision: Revision;
}
