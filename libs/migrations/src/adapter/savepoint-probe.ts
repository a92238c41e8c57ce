import type { QueryRunner } from 'typeorm';

/**
 * Runs `build` in a savepoint that is always rolled back; undefined when it fails. The runner must be in a
 * transaction. Used to ask PostgreSQL a question by trying a statement (does this default, check, index or
 * type conversion build?) without keeping anything.
 */
export async function probing<T>(runner: QueryRunner, build: () => Promise<T | undefined>): Promise<T | undefined> {
  await runner.query('SAVEPOINT typeorm_probe');
  try {
    return await build();
  } catch {
    return undefined;
  } finally {
    await runner.query('ROLLBACK TO SAVEPOINT typeorm_probe');
  }
}
