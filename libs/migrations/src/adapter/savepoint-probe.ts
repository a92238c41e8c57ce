import type { QueryRunner } from 'typeorm';

/**
 * Runs `first`, then `build`, in a savepoint that is always rolled back; undefined when either fails. The runner must be in a
 * transaction. Used to ask PostgreSQL a question by trying a statement (does this default, check, index or
 * type conversion build?) without keeping anything.
 */
export async function probing<T>(runner: QueryRunner, build: () => Promise<T | undefined>, first?: string): Promise<T | undefined> {
  try {
    // `first` (statements without parameters) goes in the savepoint's round trip; if it fails, the savepoint exists.
    await runner.query(first ? `SAVEPOINT typeorm_probe; ${first}` : 'SAVEPOINT typeorm_probe');
  } catch {
    await runner.query('ROLLBACK TO SAVEPOINT typeorm_probe');
    return undefined;
  }
  try {
    return await build();
  } catch {
    return undefined;
  } finally {
    await runner.query('ROLLBACK TO SAVEPOINT typeorm_probe');
  }
}
