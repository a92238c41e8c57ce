import type { QueryRunner } from 'typeorm';
import { driverCode } from '../driver-errors';
import { MigrationFailedError } from './migration-failed.error';

/** `lock_timeout` and `statement_timeout` on the migration session, reset when the run ends. */
export class SessionSettings {
  private applied = false;

  constructor(
    private readonly runner: QueryRunner,
    private readonly timeouts: { lockTimeoutMs?: number; statementTimeoutMs?: number } = {},
  ) {}

  async apply(): Promise<void> {
    const { lockTimeoutMs, statementTimeoutMs } = this.timeouts;
    if (lockTimeoutMs) await this.runner.query(`SET lock_timeout = ${Math.floor(lockTimeoutMs)}`);
    if (statementTimeoutMs) await this.runner.query(`SET statement_timeout = ${Math.floor(statementTimeoutMs)}`);
    this.applied = !!(lockTimeoutMs || statementTimeoutMs);
  }

  async reset(): Promise<void> {
    if (!this.applied) return;
    await this.runner.query('RESET lock_timeout');
    await this.runner.query('RESET statement_timeout');
    this.applied = false;
  }
}

/**
 * Runs a migration step, again after a pause when it failed on `lock_timeout` (the step was rolled back,
 * so a retry starts clean). A busy table then delays the migration instead of failing it at once, and
 * never queues behind the lock for long, which would block the app's own queries.
 */
export async function withLockRetries<T>(retries: number, step: () => Promise<T>, pauseMs = 500, onRetry?: (retry: LockRetry) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const lockTimedOut = error instanceof MigrationFailedError && error.transactional && driverCode(error.cause) === '55P03';
      if (!lockTimedOut || attempt >= retries) throw error;
      const pause = pauseMs * (attempt + 1);
      onRetry?.({ revision: error.revision, retry: attempt + 1, retries, pauseMs: pause });
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** A migration step that hit `lock_timeout` and is about to be retried (it was rolled back). */
export interface LockRetry {
  revision: string;
  /** 1 for the first retry. */
  retry: number;
  retries: number;
  pauseMs: number;
}
