import type { Direction } from '../core/revision';

/** Who started a run: `db migrate`/`db rollback` (`cli`), the boot hook (`boot`), or code calling the service (`api`). */
export type RunEntrance = 'cli' | 'boot' | 'api';

/** What a run is about to do, under the lock, before anything runs. */
export interface PlanEvent {
  type: 'plan';
  entrance: RunEntrance;
  /** The tenant of the run, for a tenant's run (docs/tenants.md). */
  tenant?: string;
  mode: 'apply' | 'dry-run' | 'stamp';
  steps: { revision: string; message: string; direction: Direction }[];
}

/** One migration starts (`step.start`) or has run and is recorded (`step.end`, with its duration). */
export interface StepStartEvent {
  type: 'step.start';
  entrance: RunEntrance;
  /** The tenant of the run, for a tenant's run (docs/tenants.md). */
  tenant?: string;
  revision: string;
  message: string;
  direction: Direction;
  /** 1-based position in the run, and the run's length. */
  index: number;
  total: number;
}

export interface StepEndEvent extends Omit<StepStartEvent, 'type'> {
  type: 'step.end';
  ms: number;
}

/** A migration hit `lock_timeout`, was rolled back, and is retried after a pause. */
export interface RetryEvent {
  type: 'retry';
  entrance: RunEntrance;
  /** The tenant of the run, for a tenant's run (docs/tenants.md). */
  tenant?: string;
  revision: string;
  retry: number;
  retries: number;
  pauseMs: number;
}

/** The run failed or was refused; `revision` names the migration that failed, when one did. */
export interface FailureEvent {
  type: 'failure';
  entrance: RunEntrance;
  /** The tenant of the run, for a tenant's run (docs/tenants.md). */
  tenant?: string;
  revision?: string;
  direction?: Direction;
  /** The error's stable code (`migration_failed`, `lock_timeout`, `refused`, ...). */
  code: string;
  message: string;
  error: unknown;
}

/** The run finished: what ran, and how long it all took. */
export interface DoneEvent {
  type: 'done';
  entrance: RunEntrance;
  /** The tenant of the run, for a tenant's run (docs/tenants.md). */
  tenant?: string;
  mode: 'apply' | 'dry-run' | 'stamp';
  steps: { revision: string; direction: Direction; ms: number }[];
  totalMs: number;
}

/**
 * The shadow database of `db migrate -m` / `db check`: `building` (`database` exists and `replaying` migrations
 * start on it: the build database of the `template` of the history, from the older template `from` when one is
 * cached, or, without the cache, the shadow itself) and
 * `ready` (the shadow `database` exists and holds the history: `cache` says whether it was cloned from the
 * template, `hit`, cloned after building it, `miss`, or replayed without the cache, `off`).
 */
export type ShadowEvent =
  | { type: 'shadow'; phase: 'building'; database: string; template?: string; from?: string; replaying: number }
  | { type: 'shadow'; phase: 'ready'; kind: 'server' | 'pglite'; cache: 'hit' | 'miss' | 'off'; database?: string; template?: string; replayed: number; note?: string };

export type MigrationEvent = PlanEvent | StepStartEvent | StepEndEvent | RetryEvent | FailureEvent | DoneEvent | ShadowEvent;

/** Event names on Nest's EventEmitter2 (`@nestjs/event-emitter`): `@OnEvent(MIGRATION_EVENTS.stepEnd)`. */
export const MIGRATION_EVENTS = {
  plan: 'migrations.plan',
  stepStart: 'migrations.step.start',
  stepEnd: 'migrations.step.end',
  retry: 'migrations.retry',
  failure: 'migrations.failure',
  done: 'migrations.done',
  shadow: 'migrations.shadow',
} as const;

/** `step.end` -> `migrations.step.end`. */
export function eventName(type: MigrationEvent['type']): string {
  return `migrations.${type}`;
}

export type MigrationEventListener<T extends MigrationEvent['type']> = (event: Extract<MigrationEvent, { type: T }>) => void;
