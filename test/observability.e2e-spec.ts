import { join } from 'node:path';
import { ConsoleLogger, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { metrics, trace } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MIGRATION_EVENTS, MigrationsModule, MigrationsService, type MigrationEvent, type MigrationsModuleOptions } from 'nest-migrations';
import { createTestDatabase, type TestDatabase } from './support/database';
import { writeChain, type GeneratedChain } from './support/generated-migrations';

const failing = join(__dirname, 'fixtures', 'failing-server');

/** Collects what arrives through Nest's event emitter, as an app's own listener would. */
@Injectable()
class EmitterListener {
  static received: { name: string; event: MigrationEvent }[] = [];
  @OnEvent('migrations.**')
  onAny(event: MigrationEvent): void {
    EmitterListener.received.push({ name: `migrations.${event.type}`, event });
  }
}

/** An app with TypeORM and MigrationsModule on `url`, optionally with EventEmitterModule. */
function appModule(url: string, dir: string, options: { emitter?: boolean; migrations?: MigrationsModuleOptions } = {}) {
  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url, entities: [], retryAttempts: 0 }),
      MigrationsModule.forRoot({ migrationsDir: dir, compiledMigrationsDir: dir, sourceRoot: dir, ...options.migrations }),
      ...(options.emitter ? [EventEmitterModule.forRoot({ wildcard: true })] : []),
    ],
    providers: options.emitter ? [EmitterListener] : [],
  })
  class ObservedApp {}
  return ObservedApp;
}

describe('observable runs', () => {
  let db: TestDatabase;
  let chain: GeneratedChain;
  const spans = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meter = new MeterProvider({ readers: [reader] });

  beforeAll(async () => {
    delete process.env.NEST_MIGRATIONS_CLI;
    trace.setGlobalTracerProvider(tracer);
    metrics.setGlobalMeterProvider(meter);
    db = await createTestDatabase('observability');
    chain = writeChain(2, { table: 'obs' });
  });
  afterAll(async () => {
    chain.remove();
    trace.disable();
    metrics.disable();
    await db.drop();
  });

  it('typed events for plan, step start and end, and done, through the listener API and Nest\'s event emitter', async () => {
    const app = await NestFactory.createApplicationContext(appModule(db.url, chain.dir, { emitter: true }), { logger: false });
    try {
      const migrations = app.get(MigrationsService);
      const seen: MigrationEvent[] = [];
      const off = migrations.on('*', (event) => seen.push(event));
      const ends: number[] = [];
      migrations.on('step.end', (event) => ends.push(event.ms));
      await migrations.upgrade();
      off();
      expect(seen.map((event) => event.type)).toEqual(['plan', 'step.start', 'step.end', 'step.start', 'step.end', 'done']);
      expect(seen[0]).toEqual({ type: 'plan', entrance: 'api', mode: 'apply', steps: chain.ids.map((id, i) => ({ revision: id, message: `Create obs ${i + 1}`, direction: 'up' })) });
      expect(seen[2]).toMatchObject({ type: 'step.end', revision: chain.ids[0], direction: 'up', index: 1, total: 2, ms: expect.any(Number) });
      expect(ends).toHaveLength(2);
      expect(EmitterListener.received.map((item) => item.name)).toEqual([
        MIGRATION_EVENTS.plan,
        MIGRATION_EVENTS.stepStart,
        MIGRATION_EVENTS.stepEnd,
        MIGRATION_EVENTS.stepStart,
        MIGRATION_EVENTS.stepEnd,
        MIGRATION_EVENTS.done,
      ]);
    } finally {
      await app.close();
    }
  });

  it('spans per run and per migration, and metrics, with the real OpenTelemetry SDK', async () => {
    await meter.forceFlush();
    const runs = spans.getFinishedSpans().filter((span) => span.name === 'migrations.run');
    const steps = spans.getFinishedSpans().filter((span) => span.name.startsWith('migration up '));
    expect(steps.map((span) => span.name)).toEqual(chain.ids.map((id) => `migration up ${id}`));
    expect(runs).toHaveLength(1);
    for (const step of steps) {
      expect(step.parentSpanContext?.spanId).toBe(runs[0].spanContext().spanId);
      expect(step.attributes).toMatchObject({ 'migrations.revision': expect.any(String), 'migrations.direction': 'up', 'migrations.entrance': 'api' });
    }
    const exported = metricExporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    const byName = new Map(exported.map((metric) => [metric.descriptor.name, metric]));
    expect(byName.get('migrations.steps')?.dataPoints[0].value).toBe(2);
    expect(byName.get('migrations.duration')?.dataPoints[0].value).toMatchObject({ count: 2 });
  });

  it('a retry and a failure: events, an error span, a failure count', async () => {
    const fresh = await createTestDatabase('observability_failure');
    const saved = process.env.FAIL_WITH;
    process.env.FAIL_WITH = '55P03';
    const app = await NestFactory.createApplicationContext(appModule(fresh.url, failing), { logger: false });
    try {
      const migrations = app.get(MigrationsService);
      const seen: MigrationEvent[] = [];
      migrations.on('*', (event) => seen.push(event));
      await expect(migrations.upgrade({ lockRetries: 1 })).rejects.toThrow(/Migration f2f200000002 failed during up/);
      expect(seen.map((event) => event.type)).toEqual(['plan', 'step.start', 'step.end', 'step.start', 'retry', 'failure']);
      expect(seen.at(-2)).toMatchObject({ type: 'retry', revision: 'f2f200000002', retry: 1, retries: 1 });
      expect(seen.at(-1)).toMatchObject({ type: 'failure', revision: 'f2f200000002', direction: 'up', code: 'lock_timeout' });
      const failed = spans.getFinishedSpans().find((span) => span.name === 'migration up f2f200000002');
      expect(failed?.status.code).toBe(2); // SpanStatusCode.ERROR
      expect(failed?.events.map((event) => event.name)).toEqual(expect.arrayContaining(['lock_timeout retry', 'exception']));
      await meter.forceFlush();
      const exported = metricExporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
      expect(exported.find((metric) => metric.descriptor.name === 'migrations.failures')?.dataPoints[0]).toMatchObject({ value: 1, attributes: { 'migrations.error_code': 'lock_timeout' } });
    } finally {
      process.env.FAIL_WITH = saved;
      if (saved === undefined) delete process.env.FAIL_WITH;
      await app.close();
      await fresh.drop();
    }
  });

  it('the boot hook logs structured fields under Nest\'s JSON logger', async () => {
    const fresh = await createTestDatabase('observability_boot');
    const chainForBoot = writeChain(2, { table: 'boot_obs' });
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    try {
      const app = await NestFactory.createApplicationContext(appModule(fresh.url, chainForBoot.dir, { migrations: { runOnBoot: { enabled: true } } }), {
        logger: new ConsoleLogger({ json: true }),
      });
      await app.close();
    } finally {
      write.mockRestore();
      chainForBoot.remove();
      await fresh.drop();
    }
    const records = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).filter((record) => record.context === 'Migrations');
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'log', message: expect.stringMatching(/^Pending: 2 migration/), params: { event: 'plan', pending: chainForBoot.ids } }),
        expect.objectContaining({ message: expect.stringMatching(/^Applied 000000000001/), params: expect.objectContaining({ event: 'applied', revision: chainForBoot.ids[0], ms: expect.any(Number), index: 1, total: 2 }) }),
        expect.objectContaining({ message: expect.stringMatching(/^Run on boot applied 2 migration/), params: expect.objectContaining({ event: 'done', applied: chainForBoot.ids }) }),
      ]),
    );
  });
});
