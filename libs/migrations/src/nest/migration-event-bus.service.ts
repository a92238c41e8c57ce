import { Injectable, Logger } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { eventName, type MigrationEvent, type MigrationEventListener } from './migration-events';

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

  constructor(private readonly modules: ModulesContainer) {}

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

  /**
   * The app's EventEmitter2, when it imports `EventEmitterModule` (@nestjs/event-emitter); looked up once, in
   * Nest's container by the provider's class (eventemitter2's, which names itself `EventEmitter2`), so that a command never loads @nestjs/event-emitter (and
   * what it requires) for an app that does not use it.
   */
  private nestEmitter(): Emitter | undefined {
    if (this.emitter === undefined) {
      this.emitter = null;
      for (const module of this.modules.values()) {
        for (const [token, wrapper] of module.providers) {
          if (isEventEmitter2(token) && isEmitter(wrapper.instance)) {
            this.emitter = wrapper.instance;
            return this.emitter;
          }
        }
      }
    }
    return this.emitter ?? undefined;
  }
}

function isEventEmitter2(token: unknown): boolean {
  return typeof token === 'function' && (token as { EventEmitter2?: unknown }).EventEmitter2 === token;
}

function isEmitter(value: unknown): value is Emitter {
  return typeof (value as Emitter | undefined)?.emit === 'function';
}
