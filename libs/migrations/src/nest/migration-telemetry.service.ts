import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Attributes, Counter, Histogram, Span, Tracer } from '@opentelemetry/api';
import { MigrationEventBus } from './migration-event-bus.service';
import type { MigrationEvent } from './migration-events';
import { optionalRequire } from './optional-require';

type OtelApi = typeof import('@opentelemetry/api');

/**
 * OpenTelemetry for runs, when the app has `@opentelemetry/api` (an optional peer) and registers an SDK:
 * a span per run (`migrations.run`) with a child span per migration (`migration up <id>`), and metrics:
 * `migrations.duration` (histogram of each migration's duration, ms), `migrations.steps` (migrations run) and
 * `migrations.failures` (failed runs), each with the direction, entrance and outcome as attributes. Without
 * the package it does nothing; with the package and no SDK, the API's no-op tracer and meter cost nothing.
 */
@Injectable()
export class MigrationTelemetry implements OnModuleInit {
  constructor(private readonly events: MigrationEventBus) {}

  onModuleInit(): void {
    const api = optionalRequire<OtelApi>('@opentelemetry/api');
    if (api) this.events.on('*', recorder(api));
  }
}

/** Turns run events into spans and metrics; one run at a time per entrance and tenant (the lock makes those sequential). */
function recorder(api: OtelApi): (event: MigrationEvent) => void {
  const tracer: Tracer = api.trace.getTracer('nest-migrations');
  const meter = api.metrics.getMeter('nest-migrations');
  const duration: Histogram = meter.createHistogram('migrations.duration', { unit: 'ms', description: 'Duration of each migration run by nest-migrations' });
  const steps: Counter = meter.createCounter('migrations.steps', { description: 'Migrations applied or reverted' });
  const failures: Counter = meter.createCounter('migrations.failures', { description: 'Runs that failed or were refused' });
  const runs = new Map<string, Span>();
  const current = new Map<string, Span>();
  return (event) => {
    if (event.type === 'shadow') return; // autogenerate's shadow database, not a run
    const base: Attributes = { 'migrations.entrance': event.entrance, 'db.system': 'postgresql', ...(event.tenant !== undefined ? { 'migrations.tenant': event.tenant } : {}) };
    // Runs of one entrance are sequential, except across tenants (a fan-out runs several at once).
    const key = `${event.entrance}\u0000${event.tenant ?? ''}`;
    switch (event.type) {
      case 'plan': {
        runs.get(key)?.end();
        runs.set(key, tracer.startSpan('migrations.run', { attributes: { ...base, 'migrations.mode': event.mode, 'migrations.count': event.steps.length } }));
        return;
      }
      case 'step.start': {
        const run = runs.get(key);
        const parent = run ? api.trace.setSpan(api.context.active(), run) : undefined;
        const attributes = { ...base, 'migrations.revision': event.revision, 'migrations.direction': event.direction, 'migrations.message': event.message, 'migrations.index': event.index };
        current.set(key, tracer.startSpan(`migration ${event.direction} ${event.revision}`, { attributes }, parent));
        return;
      }
      case 'step.end': {
        current.get(key)?.end();
        current.delete(key);
        const attributes = { ...base, 'migrations.direction': event.direction };
        duration.record(event.ms, attributes);
        steps.add(1, attributes);
        return;
      }
      case 'retry': {
        current.get(key)?.addEvent('lock_timeout retry', { 'migrations.retry': event.retry, 'migrations.pause_ms': event.pauseMs });
        return;
      }
      case 'failure': {
        for (const span of [current.get(key), runs.get(key)]) {
          if (!span) continue;
          if (event.error instanceof Error) span.recordException(event.error);
          span.setAttribute('migrations.error_code', event.code);
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: event.message });
          span.end();
        }
        current.delete(key);
        runs.delete(key);
        failures.add(1, { ...base, 'migrations.error_code': event.code });
        return;
      }
      case 'done': {
        const run = runs.get(key);
        run?.setAttribute('migrations.total_ms', event.totalMs);
        run?.setStatus({ code: api.SpanStatusCode.OK });
        run?.end();
        runs.delete(key);
        return;
      }
    }
  };
}
