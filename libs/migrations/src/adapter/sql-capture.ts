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
