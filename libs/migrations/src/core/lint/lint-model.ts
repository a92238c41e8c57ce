/**
 * The data the migration linter works on. Everything here is plain data: parse trees are the JSON that
 * PostgreSQL's own parser (libpg-query, called in the adapter) returns, and what the target database says
 * about its tables comes from one catalog query in the adapter. The rules are pure functions of it.
 */
import type { CheckLevel } from '../safety';

/** A parse-tree node: `{ "IndexStmt": { ... } }` unwrapped to its body, or any object inside one. */
export type Node = Record<string, unknown>;

/** `lint:accept <rule>[, <rule>] reason: <why>`, found in a comment of the statement. */
export interface AcceptMarker {
  readonly rules: readonly string[];
  /** Absent or empty: the marker accepts nothing and is itself a finding. */
  readonly reason?: string;
  /** The comment as written, for messages. */
  readonly text: string;
}

/** One SQL statement a migration runs, parsed. One `query()` call may hold several: each is its own. */
export interface ParsedStatement {
  /** The text handed to the database, as captured (for messages). */
  readonly sql: string;
  /** Parse-tree node type, e.g. `IndexStmt`; absent when the text does not parse. */
  readonly kind?: string;
  readonly node?: Node;
  /** Why the parser refused it. */
  readonly error?: string;
  readonly markers: readonly AcceptMarker[];
  /** Identifiers longer than 63 bytes, as written (the parser has already truncated them in `node`). */
  readonly longIdentifiers?: readonly string[];
  /** What a `DO` block or a PL/pgSQL function body runs. */
  readonly body?: ProceduralBody;
}

/** The inside of a `DO` block or a `CREATE FUNCTION/PROCEDURE` body, as PostgreSQL's PL/pgSQL parser sees it. */
export interface ProceduralBody {
  /** A `DO` block runs now; a function body runs when something calls it. */
  readonly runsNow: boolean;
  /** Static SQL statements inside (parsed, judged like the migration's own statements when `runsNow`). */
  readonly statements: readonly ParsedStatement[];
  /** `EXECUTE <expr>` and the like: SQL built at run time, which no linter can judge. */
  readonly dynamic: readonly string[];
  /** Set when the body could not be read (another language, or PL/pgSQL the parser refused). */
  readonly opaque?: string;
}

/** An acceptance declared in the migration's `static revision` metadata. */
export interface MigrationAccept {
  readonly rule: string;
  readonly reason?: string;
}

/** One migration, ready to lint. */
export interface MigrationToLint {
  readonly revision: string;
  /** False for a migration that sets `transaction = false` (it runs outside a transaction). */
  readonly transactional: boolean;
  readonly statements: readonly ParsedStatement[];
  readonly accept: readonly MigrationAccept[];
  /** `allowDestructive: true` in the metadata: the destructive rules are off for this migration. */
  readonly allowDestructive: boolean;
}

/** A column type reduced to what decides whether a change rewrites: canonical name and modifiers. */
export interface TypeRef {
  /** PostgreSQL's internal name (`varchar`, `int4`, `numeric`, `timestamptz`...), schema-qualified for others. */
  readonly name: string;
  /** Decoded modifiers: varchar/bpchar/varbit/bit `[length]`, numeric `[precision, scale]`, time types `[precision]`, interval `[range, precision]`. */
  readonly mods: readonly number[];
  readonly array: boolean;
}

/** A column of an existing table, from the catalog. */
export interface ColumnInfo {
  readonly type: TypeRef;
  /** Collation name when the column has one. */
  readonly collation?: string;
  /** Some CHECK constraint reads the column (a type change re-checks it). */
  readonly checked: boolean;
  /** A validated `CHECK (col IS NOT NULL)` exists, so SET NOT NULL needs no scan (PostgreSQL 12+). */
  readonly notNullChecked: boolean;
  /** Some index covers the column. */
  readonly indexed: boolean;
}

/** What the target database says about a relation a migration names. */
export interface RelationInfo {
  /** `table` also covers partitioned tables; an index carries the figures of its table. */
  readonly kind: 'table' | 'matview' | 'index' | 'view' | 'other';
  /** The table, qualified as the database knows it (for an index: the table it is on). */
  readonly table: string;
  /** `reltuples`: absent when the table was never analyzed or vacuumed. */
  readonly rows?: number;
  /** `pg_total_relation_size`: heap, indexes and TOAST (summed over partitions). */
  readonly bytes: number;
  readonly columns: Readonly<Record<string, ColumnInfo>>;
}

/** Size thresholds: at or below both small figures a table is small; at or above either large one it is large. */
export interface SizeThresholds {
  readonly smallRows: number;
  readonly smallBytes: number;
  readonly largeRows: number;
  readonly largeBytes: number;
}

/** Everything a rule may consult besides the statements themselves. */
export interface LintEnvironment {
  /**
   * Relations the migrations name, keyed by the name as written (`orders`, `shop.orders`); a name absent
   * from a present map does not exist in the database. Absent: the database was not consulted.
   */
  readonly relations?: ReadonlyMap<string, RelationInfo>;
  /** Use row and size figures for severity; false when they are not the target's (generation time). */
  readonly sizes: SizeThresholds | false;
  /** `server_version_num`, when known. */
  readonly serverVersion?: number;
  /** The session `TimeZone` the migrations will run with, when known. */
  readonly timeZone?: string;
  /** Volatility (`i`, `s`, `v`) of functions the statements call, by name, when known. */
  readonly functionVolatility?: ReadonlyMap<string, string>;
  /** Timeouts the runtime sets on the migration's session (0: none). */
  readonly runtime: { readonly lockTimeoutMs: number; readonly statementTimeoutMs: number };
  /** The level of each rule (from the options); a rule absent here uses its default. */
  readonly levels: (ruleId: string, defaultLevel: CheckLevel, group: RuleGroup) => CheckLevel;
}

/** Families of rules; the option aliases (`checks.destructive`, `checks.lockHeavy` ...) set a whole family. */
export type RuleGroup = 'destructive' | 'lock-heavy' | 'transaction' | 'timeout' | 'style' | 'unjudgeable' | 'accept';

/** What a rule reports about one statement (or one migration). */
export interface RuleHit {
  readonly message: string;
  /** The relation the finding is about, as written in the statement (looked up for its size). */
  readonly relation?: string;
  /** Replaces the rule's general safe alternative when the statement calls for a specific one. */
  readonly hint?: string;
}
