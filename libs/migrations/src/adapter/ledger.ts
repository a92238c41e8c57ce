import type { QueryRunner } from 'typeorm';
import type { AppliedRevision } from '../core/revision';
import { qualified, quoteIdent, sqlValue } from './sql-names';

export interface LedgerLocation {
  schema: string;
  table: string;
  /** TypeORM's own migrations table, whose rows count as applied; false to ignore it. */
  legacyTable: string | false;
}

/** A ledger row as read from the database. */
export interface LedgerRow extends AppliedRevision {
  readonly id: string;
  readonly message: string;
  readonly checksum: string | null;
  readonly kind: 'applied' | 'stamped' | 'legacy';
  readonly appliedAt: Date;
  readonly executionMs: number | null;
  readonly appliedBy: string | null;
}

export interface LedgerEntry {
  id: string;
  message: string;
  checksum: string | null;
  kind: 'applied' | 'stamped';
  executionMs: number | null;
  appliedBy: string;
}

/** Whether a table (a quoted, qualified name) exists; never creates anything. */
export async function relationExists(runner: QueryRunner, qualifiedName: string): Promise<boolean> {
  const rows = await runner.query(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [qualifiedName]);
  return rows[0]?.exists === true;
}

/**
 * The table that records applied revisions. Every statement it issues runs on the query runner it is given,
 * so that a ledger write shares the transaction of the migration it records.
 */
export class Ledger {
  private readonly name: string;

  constructor(readonly location: LedgerLocation) {
    this.name = qualified(location.schema, location.table);
  }

  createSql(): string[] {
    return [
      `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.location.schema)}`,
      `CREATE TABLE IF NOT EXISTS ${this.name} (
  "revision" varchar(255) PRIMARY KEY,
  "message" text NOT NULL DEFAULT '',
  "checksum" varchar(64),
  "kind" varchar(16) NOT NULL DEFAULT 'applied' CHECK ("kind" IN ('applied', 'stamped')),
  "applied_at" timestamptz NOT NULL DEFAULT clock_timestamp(),
  "execution_ms" integer,
  "applied_by" text,
  "seq" bigserial NOT NULL
)`,
    ];
  }

  async exists(runner: QueryRunner): Promise<boolean> {
    return relationExists(runner, this.name);
  }

  async ensure(runner: QueryRunner): Promise<void> {
    if (await this.exists(runner)) return;
    for (const sql of this.createSql()) await runner.query(sql);
  }

  /** Applied revisions, oldest first; rows of TypeORM's own table come first, as `legacy`. */
  async read(runner: QueryRunner): Promise<LedgerRow[]> {
    const rows: LedgerRow[] = [...(await this.readLegacy(runner))];
    if (!(await this.exists(runner))) return rows;
    const raw: Record<string, unknown>[] = await runner.query(
      `SELECT "revision", "message", "checksum", "kind", "applied_at", "execution_ms", "applied_by" FROM ${this.name} ORDER BY "seq"`,
    );
    const seen = new Set(rows.map((row) => row.id));
    for (const r of raw) {
      const id = String(r.revision);
      if (seen.has(id)) continue;
      rows.push({
        id,
        message: String(r.message ?? ''),
        checksum: (r.checksum as string | null) ?? null,
        kind: r.kind === 'stamped' ? 'stamped' : 'applied',
        appliedAt: new Date(r.applied_at as string),
        executionMs: r.execution_ms == null ? null : Number(r.execution_ms),
        appliedBy: (r.applied_by as string | null) ?? null,
      });
    }
    return rows;
  }

  private async readLegacy(runner: QueryRunner): Promise<LedgerRow[]> {
    if (!this.location.legacyTable) return [];
    const table = qualified(this.location.schema, this.location.legacyTable);
    if (!(await relationExists(runner, table))) return [];
    const raw: { name: string; timestamp: string }[] = await runner.query(
      `SELECT "name", "timestamp" FROM ${table} ORDER BY "timestamp", "id"`,
    );
    return raw.map((r) => ({
      id: r.name,
      message: '',
      checksum: null,
      kind: 'legacy' as const,
      appliedAt: new Date(Number(r.timestamp)),
      executionMs: null,
      appliedBy: null,
    }));
  }

  /**
   * Ledger writes are sent as plain statements with literals, not as parameterised queries: the extended
   * protocol's round trips after DDL doubled the cost of each migration (measured in bench/).
   */
  insertSql(entry: LedgerEntry): string {
    const values = [entry.id, entry.message, entry.checksum, entry.kind, entry.executionMs, entry.appliedBy].map(sqlValue);
    return `INSERT INTO ${this.name} ("revision", "message", "checksum", "kind", "execution_ms", "applied_by") VALUES (${values.join(', ')})`;
  }

  async insert(runner: QueryRunner, entry: LedgerEntry): Promise<void> {
    await runner.query(this.insertSql(entry));
  }

  /** Removes a revision from the ledger and, when it was applied by TypeORM's CLI, from TypeORM's table too. */
  async remove(runner: QueryRunner, id: string, legacy: boolean): Promise<void> {
    for (const sql of this.removeSql(id, legacy)) await runner.query(sql);
  }

  removeSql(id: string, legacy: boolean): string[] {
    const statements = [`DELETE FROM ${this.name} WHERE "revision" = ${sqlValue(id)}`];
    if (legacy && this.location.legacyTable) {
      statements.push(`DELETE FROM ${qualified(this.location.schema, this.location.legacyTable)} WHERE "name" = ${sqlValue(id)}`);
    }
    return statements;
  }
}
