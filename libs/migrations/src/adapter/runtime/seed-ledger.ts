import type { QueryRunner } from 'typeorm';
import { relationExists } from './ledger';
import { qualified, quoteIdent, sqlValue } from '../sql-names';

/** Records seeders that run once per database, in the migration's schema, beside the ledger. */
export class SeedLedger {
  private readonly name: string;

  constructor(
    private readonly schema: string,
    table: string,
  ) {
    this.name = qualified(schema, table);
  }

  async read(runner: QueryRunner): Promise<Set<string>> {
    if (!(await relationExists(runner, this.name))) return new Set();
    const rows: { seeder: string }[] = await runner.query(`SELECT "seeder" FROM ${this.name}`);
    return new Set(rows.map((row) => row.seeder));
  }

  /** Inside the seeder's transaction, so the record and the data commit together. */
  async record(runner: QueryRunner, seeder: string): Promise<void> {
    await runner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
    await runner.query(`CREATE TABLE IF NOT EXISTS ${this.name} ("seeder" varchar(255) PRIMARY KEY, "seeded_at" timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`INSERT INTO ${this.name} ("seeder") VALUES (${sqlValue(seeder)})`);
  }
}
