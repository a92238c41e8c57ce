import type { QueryRunner } from 'typeorm';
import type { AppliedKind } from '../../core/ledger-state';
import { qualified, quoteIdent, sqlValue } from '../sql-names';

export interface LedgerLocation {
  schema: string;
  table: string;
  /** TypeORM's own migrations table: its rows count as applied; false to ignore it. */
  typeormTable: string | false;
  /**
   * Record what this module applies and reverts in TypeORM's table too, so TypeORM's CLI agrees:
   * `auto` when that table exists, `always` (it is created), `never`.
   */
  mirrorToTypeorm: 'auto' | 'always' | 'never';
}

/** A row as stored, before TypeORM's names are mapped to revision ids. */
export interface StoredRow {
  /** Revision id (our ledger) or migration name (TypeORM's table). */
  key: string;
  source: 'ledger' | 'typeorm';
  kind: AppliedKind;
  appliedAt: Date | null;
  checksum: string | null;
  appliedBy: string | null;
  executionMs: number | null;
  /** For ledger rows: the name it was also recorded under in TypeORM's table, when it was mirrored there. */
  typeormName?: string | null;
}

/** Which of the tables exist (and whether the ledger has the newer columns), read in one round trip. */
export interface LedgerTables {
  ledger: boolean;
  log: boolean;
  typeorm: boolean;
  /** The ledger has `typeorm_name` (ledgers created before 0.2 do not, until the next mutating run). */
  mirrorColumn: boolean;
}

/** What one applied or stamped revision writes. */
export interface LedgerEntry {
  id: string;
  message: string;
  checksum: string | null;
  kind: 'applied' | 'stamped';
  executionMs: number | null;
  appliedBy: string;
  /** The name TypeORM records, and the timestamp it orders by. */
  typeorm: { name: string; timestamp: number };
}

/** A ledger row whose checksum, stored by an older algorithm, was checked and is rewritten in the current one. */
export interface ChecksumUpgrade {
  id: string;
  from: string;
  to: string;
}

/** What the audit log records: every apply, revert and stamp, with who and when. */
export type LedgerEvent = 'applied' | 'reverted' | 'stamped' | 'unstamped';

export interface LogEntry {
  revision: string;
  event: LedgerEvent;
  message: string;
  by: string;
  executionMs: number | null;
}

/** One line of the audit log as read back. */
export interface LoggedEvent extends LogEntry {
  seq: number;
  at: Date;
}

const RETURNING_PID = ' RETURNING pg_backend_pid() AS "pid"';

/** Whether a table (a quoted, qualified name) exists; never creates anything. */
export async function relationExists(runner: QueryRunner, qualifiedName: string): Promise<boolean> {
  const rows = await runner.query(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [qualifiedName]);
  return rows[0]?.exists === true;
}

/**
 * The tables that record applied revisions: the ledger, its audit log, and (when mirrored) TypeORM's own
 * `migrations` table. Every statement runs on the query runner it is given, so a ledger write shares the
 * transaction of the migration it records. Writes are plain statements with literals: the extended
 * protocol's round trips after DDL doubled the cost of each migration (bench/).
 */
export class Ledger {
  readonly name: string;
  readonly logName: string;
  private readonly typeormName: string | undefined;

  constructor(readonly location: LedgerLocation) {
    this.name = qualified(location.schema, location.table);
    this.logName = qualified(location.schema, `${location.table}_log`);
    this.typeormName = location.typeormTable ? qualified(location.schema, location.typeormTable) : undefined;
  }

  createSql(options: { typeorm?: boolean } = {}): string[] {
    const statements = [
      `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.location.schema)}`,
      `CREATE TABLE IF NOT EXISTS ${this.name} (
  "revision" varchar(255) PRIMARY KEY,
  "message" text NOT NULL DEFAULT '',
  "checksum" varchar(64),
  "kind" varchar(16) NOT NULL DEFAULT 'applied' CHECK ("kind" IN ('applied', 'stamped')),
  "applied_at" timestamptz NOT NULL DEFAULT clock_timestamp(),
  "execution_ms" integer,
  "applied_by" text,
  "seq" bigserial NOT NULL,
  "typeorm_name" text
)`,
      this.logSql(),
    ];
    if (options.typeorm && this.typeormName) statements.push(this.typeormTableSql());
    return statements;
  }

  private logSql(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.logName} (
  "seq" bigserial PRIMARY KEY,
  "revision" varchar(255) NOT NULL,
  "event" varchar(16) NOT NULL CHECK ("event" IN ('applied', 'reverted', 'stamped', 'unstamped')),
  "message" text NOT NULL DEFAULT '',
  "at" timestamptz NOT NULL DEFAULT clock_timestamp(),
  "by" text,
  "execution_ms" integer
)`;
  }

  /** TypeORM's own shape, so its CLI reads the table as if it had created it. */
  private typeormTableSql(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.typeormName} ("id" SERIAL NOT NULL PRIMARY KEY, "timestamp" bigint NOT NULL, "name" character varying NOT NULL)`;
  }

  /** Which of the ledger, its log and TypeORM's table exist, in one round trip. */
  async tables(runner: QueryRunner): Promise<LedgerTables> {
    const rows = await runner.query(
      `SELECT to_regclass(${sqlValue(this.name)}) IS NOT NULL AS "ledger", to_regclass(${sqlValue(this.logName)}) IS NOT NULL AS "log",
              ${this.typeormName ? `to_regclass(${sqlValue(this.typeormName)}) IS NOT NULL` : 'false'} AS "typeorm",
              EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(${sqlValue(this.name)}) AND attname = 'typeorm_name' AND NOT attisdropped) AS "mirrorColumn"`,
    );
    const row = rows[0] ?? {};
    return { ledger: row.ledger === true, log: row.log === true, typeorm: row.typeorm === true, mirrorColumn: row.mirrorColumn === true };
  }

  /**
   * Creates what is missing, and brings a ledger of an older version up to date (inside the first
   * migration's transaction, so a failed one leaves nothing).
   */
  async ensure(runner: QueryRunner, present: LedgerTables): Promise<void> {
    const typeorm = this.location.mirrorToTypeorm === 'always' && !present.typeorm;
    if (!present.ledger || !present.log || typeorm) for (const sql of this.createSql({ typeorm })) await runner.query(sql);
    if (present.ledger && !present.mirrorColumn) await runner.query(`ALTER TABLE ${this.name} ADD COLUMN IF NOT EXISTS "typeorm_name" text`);
  }

  /** Whether writes go to TypeORM's table too, given whether it exists. */
  mirrors(typeormTableExists: boolean): boolean {
    if (!this.typeormName) return false;
    return this.location.mirrorToTypeorm === 'always' || (this.location.mirrorToTypeorm === 'auto' && typeormTableExists);
  }

  /** Applied revisions, oldest first: TypeORM's rows first, then the ledger's. Nothing is created. */
  async read(runner: QueryRunner, present: { ledger: boolean; typeorm: boolean }): Promise<StoredRow[]> {
    const rows: StoredRow[] = [];
    if (present.typeorm && this.typeormName) {
      const raw: { name: string }[] = await runner.query(`SELECT "name" FROM ${this.typeormName} ORDER BY "timestamp", "id"`);
      for (const r of raw) {
        rows.push({ key: r.name, source: 'typeorm', kind: 'typeorm', appliedAt: null, checksum: null, appliedBy: null, executionMs: null });
      }
    }
    if (!present.ledger) return rows;
    // to_jsonb reads `typeorm_name` from ledgers that have it, and null from older ones, in one statement.
    const raw: Record<string, unknown>[] = await runner.query(
      `SELECT "revision", "checksum", "kind", "applied_at", "execution_ms", "applied_by", to_jsonb(l) ->> 'typeorm_name' AS "typeorm_name" FROM ${this.name} l ORDER BY "seq"`,
    );
    for (const r of raw) {
      rows.push({
        key: String(r.revision),
        source: 'ledger',
        kind: r.kind === 'stamped' ? 'stamped' : 'applied',
        appliedAt: new Date(r.applied_at as string),
        checksum: (r.checksum as string | null) ?? null,
        appliedBy: (r.applied_by as string | null) ?? null,
        executionMs: r.execution_ms == null ? null : Number(r.execution_ms),
        typeormName: (r.typeorm_name as string | null) ?? null,
      });
    }
    return rows;
  }

  /**
   * The one statement that rewrites checksums stored by an older algorithm in the current one (a one-time
   * upgrade of the same fact, so no audit log line): each row only while it still holds the checksum that
   * was checked, so a row another run changed meanwhile is left alone.
   */
  upgradeChecksumsSql(upgrades: readonly ChecksumUpgrade[]): string {
    const values = upgrades.map((u) => `(${[u.id, u.from, u.to].map(sqlValue).join(', ')})`).join(', ');
    return (
      `UPDATE ${this.name} AS l SET "checksum" = u."to" FROM (VALUES ${values}) AS u("revision", "from", "to") ` +
      `WHERE l."revision" = u."revision" AND l."checksum" = u."from"`
    );
  }

  /** The audit log, oldest first (empty when it does not exist yet). */
  async readLog(runner: QueryRunner): Promise<LoggedEvent[]> {
    if (!(await relationExists(runner, this.logName))) return [];
    const raw: Record<string, unknown>[] = await runner.query(
      `SELECT "seq", "revision", "event", "message", "at", "by", "execution_ms" FROM ${this.logName} ORDER BY "seq"`,
    );
    return raw.map((r) => ({
      seq: Number(r.seq),
      revision: String(r.revision),
      event: r.event as LedgerEvent,
      message: String(r.message ?? ''),
      at: new Date(r.at as string),
      by: String(r.by ?? ''),
      executionMs: r.execution_ms == null ? null : Number(r.execution_ms),
    }));
  }

  /**
   * The one statement that records an applied or stamped revision: the ledger row, the audit log line and,
   * when mirrored, TypeORM's row, as data-modifying CTEs; it returns the backend's pid, so the caller can
   * check, inside the migration's own transaction, that a pooler did not move the session. One round trip
   * per migration: the extended protocol's round trips after DDL doubled the cost of each one (bench/).
   */
  insertSql(entry: LedgerEntry, mirror: boolean): string {
    const values = [entry.id, entry.message, entry.checksum, entry.kind, entry.executionMs, entry.appliedBy, mirror ? entry.typeorm.name : null].map(sqlValue);
    const parts = [
      // A row left by a migration TypeORM's CLI reverted (it only cleans its own table) is replaced.
      `"ledger" AS (INSERT INTO ${this.name} ("revision", "message", "checksum", "kind", "execution_ms", "applied_by", "typeorm_name") VALUES (${values.join(', ')}) ` +
        `ON CONFLICT ("revision") DO UPDATE SET "message" = EXCLUDED."message", "checksum" = EXCLUDED."checksum", "kind" = EXCLUDED."kind", ` +
        `"applied_at" = clock_timestamp(), "execution_ms" = EXCLUDED."execution_ms", "applied_by" = EXCLUDED."applied_by", "typeorm_name" = EXCLUDED."typeorm_name", "seq" = DEFAULT)`,
    ];
    if (mirror && this.typeormName) {
      parts.push(
        `"typeorm" AS (INSERT INTO ${this.typeormName} ("timestamp", "name") SELECT ${sqlValue(entry.typeorm.timestamp)}, ${sqlValue(entry.typeorm.name)} ` +
          `WHERE NOT EXISTS (SELECT 1 FROM ${this.typeormName} WHERE "name" = ${sqlValue(entry.typeorm.name)}))`,
      );
    }
    return this.withLog(parts, { revision: entry.id, event: entry.kind, message: entry.message, by: entry.appliedBy, executionMs: entry.executionMs });
  }

  /** The one statement that forgets a revision everywhere it is recorded, and logs why; returns the backend's pid. */
  removeSql(
    entry: { id: string; message: string; typeormName?: string; by: string; event: 'reverted' | 'unstamped'; executionMs?: number | null },
    typeormTableExists: boolean,
  ): string {
    const parts = [`"ledger" AS (DELETE FROM ${this.name} WHERE "revision" = ${sqlValue(entry.id)})`];
    if (typeormTableExists && this.typeormName) {
      parts.push(`"typeorm" AS (DELETE FROM ${this.typeormName} WHERE "name" = ${sqlValue(entry.typeormName ?? entry.id)})`);
    }
    return this.withLog(parts, { revision: entry.id, event: entry.event, message: entry.message, by: entry.by, executionMs: entry.executionMs ?? null });
  }

  private withLog(ctes: readonly string[], log: LogEntry): string {
    const values = [log.revision, log.event, log.message, log.by, log.executionMs].map(sqlValue);
    return `WITH ${ctes.join(', ')} INSERT INTO ${this.logName} ("revision", "event", "message", "by", "execution_ms") VALUES (${values.join(', ')})${RETURNING_PID}`;
  }

  /** A record statement as a script shows it (`--sql`): without the pid the runtime reads back. */
  static forScript(statement: string): string {
    return statement.endsWith(RETURNING_PID) ? statement.slice(0, -RETURNING_PID.length) : statement;
  }

  /** Runs a record statement; returns the backend pid it ran on. */
  async record(runner: QueryRunner, statement: string): Promise<number> {
    const rows: { pid: number }[] = await runner.query(statement);
    return Number(rows[0]?.pid);
  }
}

/** The 13-digit timestamp TypeORM reads from a migration's name, else the revision's creation time. */
export function typeormTimestamp(name: string, createdAt: Date | undefined): number {
  const match = /(\d{13})$/.exec(name);
  return match ? Number(match[1]) : (createdAt?.getTime() ?? 0);
}
