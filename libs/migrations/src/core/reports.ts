/** What `db current` reports. Stable shape: it is also the `--json` output. */
export interface StatusReport {
  database: string;
  /** Applied revisions that no other applied revision descends from. */
  current: RevisionSummary[];
  heads: string[];
  atHead: boolean;
  pending: RevisionSummary[];
  /** Applied revisions that the code does not know (an older build after a newer one migrated). */
  unknown: string[];
  applied: number;
  total: number;
}

export interface RevisionSummary {
  id: string;
  message: string;
}

/** One line of `db history`. */
export interface HistoryEntry {
  id: string;
  parents: string[];
  message: string;
  createdAt: string | null;
  applied: boolean;
  /** When it ran; `null` when pending, or when TypeORM's CLI recorded it (TypeORM keeps no such date). */
  appliedAt: string | null;
  /** `host:pid` of the run that applied or stamped it; `TypeORM` for rows of TypeORM's own table. */
  appliedBy: string | null;
  /** How long its `up` took, in ms (null when stamped or unknown). */
  durationMs: number | null;
  stamped: boolean;
  /** Which table records it as applied: the ledger, or only TypeORM's `migrations` table. */
  recordedBy: 'ledger' | 'typeorm' | null;
  head: boolean;
  current: boolean;
  merge: boolean;
  branchPoint: boolean;
  format: 'revision' | 'typeorm';
  /** The migration's file, relative to the working directory. */
  file: string;
}

/** One event of the audit log (`db history --log`). Stable shape: it is also the `--json` output. */
export interface AuditEvent {
  /** Order of the events (increasing). */
  seq: number;
  /** When it happened (ISO 8601, UTC). */
  at: string;
  event: 'applied' | 'reverted' | 'stamped' | 'unstamped';
  revision: string;
  message: string;
  /** `host:pid` of the run that did it. */
  by: string;
  /** How long the migration ran, in ms (null for stamps). */
  durationMs: number | null;
}

/** What a mutating command did. */
export interface RunReport {
  steps: { revision: string; message: string; direction: 'up' | 'down'; ms: number }[];
  totalMs: number;
}

export interface StepEvent {
  index: number;
  total: number;
  revision: string;
  message: string;
  direction: 'up' | 'down';
  phase: 'start' | 'done';
  ms?: number;
}

export interface StampReport {
  added: string[];
  removed: string[];
}

/** What `--sql` prints: statements per step, in order, without running anything. */
export interface SqlPlan {
  /** Statements run once before the first step (creating the ledger on a fresh database). */
  setup: string[];
  steps: {
    direction: 'up' | 'down';
    revision: string;
    parents: string[];
    message: string;
    transactional: boolean;
    statements: string[];
  }[];
}
