import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { databasesLike, dropDatabase } from './admin';
import { shadowPattern, templateKey } from './names';
import { guardOnSignal } from './signal-guard';

/**
 * Who owns a shadow database (a diff's shadow, a clone, a template being built): the run that made it holds a
 * session-level advisory lock on its name, on a connection of its own, from before `CREATE DATABASE` until the
 * database is gone (or sealed as a template). PostgreSQL releases the lock when that session ends, so a shadow
 * whose lock anyone can take belongs to a run that died without cleaning up (SIGKILL, a crash, a lost
 * connection): the next run drops it (`sweepDeadShadows`). Templates are shared and never swept here.
 */
export async function claimName(main: DataSource, name: string): Promise<() => Promise<void>> {
  const runner = main.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1, $2)', claimKey(name));
  } catch (error) {
    await runner.release();
    throw error;
  }
  let released: Promise<void> | undefined;
  return () => (released ??= unclaim(runner, name));
}

/**
 * Drops the shadow databases of `stem` (not its templates) whose owner is gone; returns their names. A live
 * run's shadow keeps its claim and is left alone.
 */
export async function sweepDeadShadows(main: DataSource, stem: string): Promise<string[]> {
  const names = (await databasesLike(main, shadowPattern(stem))).filter((name) => templateKey(stem, name) === undefined);
  if (!names.length) return [];
  const runner = main.createQueryRunner();
  await runner.connect();
  const dropped: string[] = [];
  try {
    for (const name of names) {
      const [{ free }] = (await runner.query('SELECT pg_try_advisory_lock($1, $2) AS "free"', claimKey(name))) as { free: boolean }[];
      if (!free) continue;
      try {
        await dropDatabase(main, name);
        dropped.push(name);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, $2)', claimKey(name));
      }
    }
  } finally {
    await runner.release();
  }
  return dropped;
}

async function unclaim(runner: QueryRunner, name: string): Promise<void> {
  try {
    await runner.query('SELECT pg_advisory_unlock($1, $2)', claimKey(name));
  } catch {
    // The session is gone, and its locks with it.
  } finally {
    await runner.release();
  }
}

/** Two int4 for the advisory lock of one shadow database's name (apart from the template and migration locks). */
function claimKey(name: string): [number, number] {
  const digest = createHash('sha256').update(`nest-migrations:shadow-claim:${name}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/**
 * Claims a shadow database's name and guards it against SIGINT/SIGTERM (`guardOnSignal`); call the returned
 * function once the database is dropped, or sealed as a template.
 */
export async function guardShadow(main: DataSource, name: string): Promise<() => void> {
  const unclaim = await claimName(main, name);
  const unguard = guardOnSignal(() => dropDatabase(main, name));
  return () => {
    unguard();
    void unclaim();
  };
}
