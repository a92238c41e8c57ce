import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { eventName, type MigrationEvent, type MigrationEventListener } from './migration-events';
import { optionalRequire } from './optional-require';

interface Emitter {
  emit(event: string, ...values: unknown[]): boolean;
}

/**
 * Where run events go: the listeners registered with {@link MigrationEventBus.on} (also through
 * `MigrationsService.on`), and Nest's EventEmitter2 when the app imports `EventEmitterModule` from
 * `@nestjs/event-emitter` (an optional peer). A listener that throws is logged, never fails the run.
 */
@Injectable()
export class MigrationEventBus {
  private readonly logger = new Logger('Migrations');
  private readonly listeners = new Map<string, Set<(event: MigrationEvent) => void>>();
  private emitter?: Emitter | null;

  constructor(private readonly moduleRef: ModuleRef) {}

  /** Calls `listener` for each event of that type (`*`: every event); returns a function that removes it. */
  on<T extends MigrationEvent['type']>(type: T | '*', listener: MigrationEventListener<T>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as (event: MigrationEvent) => void);
    this.listeners.set(type, set);
    return () => set.delete(listener as (event: MigrationEvent) => void);
  }

  emit(event: MigrationEvent): void {
    for (const listener of [...(this.listeners.get(event.type) ?? []), ...(this.listeners.get('*') ?? [])]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(`A listener of ${event.type} threw: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    try {
      this.nestEmitter()?.emit(eventName(event.type), event);
    } catch (error) {
      this.logger.warn(`An @OnEvent(${eventName(event.type)}) handler threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The app's EventEmitter2, when @nestjs/event-emitter is installed and its module imported; looked up once. */
  private nestEmitter(): Emitter | undefined {
    if (this.emitter === undefined) {
      const token = optionalRequire<{ EventEmitter2?: unknown }>('@nestjs/event-emitter')?.EventEmitter2;
      try {
        this.emitter = token ? (this.moduleRef.get(token as never, { strict: false }) as Emitter) : null;
      } catch {
        this.emitter = null;
      }
    }
    return this.emitter ?? undefined;
  }
}
