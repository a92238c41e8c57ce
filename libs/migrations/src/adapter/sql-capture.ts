import { createHash } from 'node:crypto';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

/** One statement a migration issued, with its parameters. */
export interface CapturedStatement {
  sql: string;
  params?: unknown[];
}

/**
 * Runs `up` or `down` against a query runner whose `query` records instead of executing, so the SQL a
 * migration would run can be printed (`--sql`), checksummed and judged without touching the database.
 * Reads inside a migration get empty results: a migration whose SQL depends on data is captured as if the
 * tables were empty.
 */
export async function captureSql(
  dataSource: DataSource,
  migration: MigrationInterface,
  direction: 'up' | 'down',
): Promise<CapturedStatement[]> {
  const statements: CapturedStatement[] = [];
  const runner = dataSource.createQueryRunner();
  const recorder = runner as QueryRunner & { query: QueryRunner['query'] };
  recorder.query = (async (sql: string, params?: unknown[]) => {
    statements.push(params && params.length ? { sql, params } : { sql });
    return [];
  }) as QueryRunner['query'];
  try {
    await migration[direction](runner);
  } finally {
    // Never connected, so release only marks it released.
    (runner as unknown as { isReleased: boolean }).isReleased = true;
  }
  return statements;
}

/**
 * Checksum of what a migration does, not of how its file looks: the SQL text it runs, whitespace-folded.
 * Reformatting the source or rebuilding it with another compiler leaves it unchanged; editing a statement
 * changes it. Parameter values are left out so that a migration that stamps `new Date()` stays stable.
 */
export function checksumOf(up: readonly CapturedStatement[], down: readonly CapturedStatement[]): string {
  const hash = createHash('sha256');
  for (const [label, list] of [['up', up], ['down', down]] as const) {
    hash.update(`${label}\n`);
    for (const statement of list) hash.update(`${normalizeSql(statement.sql)}\n`);
  }
  return hash.digest('hex');
}

export function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
