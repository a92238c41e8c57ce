import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { QueryRunner } from 'typeorm';
import { OperationFailedError, UsageError } from '../core/errors';
import { orderSeeders } from '../core/seed-order';
import { describeDriverError } from '../adapter/driver-errors';
import { SeedLedger } from '../adapter/runtime/seed-ledger';
import { inTransaction } from '../adapter/schema-inventory';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';
import { MigrationsService } from './migrations.service';
import { Seeder, type MigrationSeeder, type SeederOptions } from './seeder.decorator';

export interface SeedEvent {
  seeder: string;
  outcome: 'seeded' | 'skipped';
  reason?: string;
  ms?: number;
}

interface DiscoveredSeeder {
  name: string;
  dependsOn: string[];
  environments?: string[];
  once: boolean;
  instance: MigrationSeeder;
}

/** A seeder threw: its transaction was rolled back; seeders before it stay. */
export class SeederFailedError extends OperationFailedError {
  constructor(readonly seeder: string, cause: unknown) {
    super(
      `Seeder ${seeder} failed: ${describeDriverError(cause)}`,
      'Its data was rolled back; seeders that ran before it are kept. Fix it and run `db seed` again.',
      'seeder_failed',
    );
  }
}

/** `db seed`: runs the `@Seeder()` providers in dependency order, each in its own transaction. */
@Injectable()
export class SeedService {
  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly migrations: MigrationsService,
    private readonly discovery: DiscoveryService,
  ) {}

  /** The discovered seeders, in the order they run. */
  seeders(): DiscoveredSeeder[] {
    const wrappers = this.discovery.getProviders({ metadataKey: Seeder.KEY }).filter((w) => w.instance && w.metatype);
    const nameOf = new Map<unknown, string>();
    for (const wrapper of wrappers) {
      const meta = (this.discovery.getMetadataByDecorator(Seeder, wrapper) ?? {}) as SeederOptions;
      nameOf.set(wrapper.metatype, meta.name ?? (wrapper.metatype as { name: string }).name);
    }
    const found = wrappers.map((wrapper) => {
      const meta = (this.discovery.getMetadataByDecorator(Seeder, wrapper) ?? {}) as SeederOptions;
      return {
        name: nameOf.get(wrapper.metatype) as string,
        dependsOn: (meta.dependsOn ?? []).map((dependency) => (typeof dependency === 'string' ? dependency : nameOf.get(dependency) ?? dependency.name)),
        environments: meta.environments,
        once: meta.once === true,
        instance: wrapper.instance as MigrationSeeder,
      };
    });
    return orderSeeders(found);
  }

  /**
   * Runs the seeders under the migration lock. `migrations`: a service bound to a tenant
   * (`migrations.withTenant(...)`), to seed that tenant (its `search_path`, its seed ledger).
   */
  async seed(options: { only?: string; onSeeder?: (event: SeedEvent) => void; migrations?: MigrationsService } = {}): Promise<SeedEvent[]> {
    const migrations = options.migrations ?? this.migrations;
    const all = this.seeders();
    if (options.only && !all.some((seeder) => seeder.name === options.only)) {
      throw new UsageError(`No seeder named '${options.only}'`, all.length ? `Seeders: ${all.map((s) => s.name).join(', ')}.` : 'No seeder is registered.');
    }
    const selected = options.only ? all.filter((seeder) => seeder.name === options.only) : all;
    const environment = process.env.NODE_ENV ?? 'development';
    const ledger = new SeedLedger(migrations.target().schema, `${this.options.ledgerTable}_seeds`);
    return migrations.exclusive(async ({ session }) => {
      const runner = session.runner;
      const done = await ledger.read(runner);
      const events: SeedEvent[] = [];
      for (const seeder of selected) {
        const event = await this.runOne(runner, ledger, seeder, environment, done);
        options.onSeeder?.(event);
        events.push(event);
      }
      return events;
    });
  }

  private async runOne(runner: QueryRunner, ledger: SeedLedger, seeder: DiscoveredSeeder, environment: string, done: Set<string>): Promise<SeedEvent> {
    if (seeder.environments && !seeder.environments.includes(environment)) {
      return { seeder: seeder.name, outcome: 'skipped', reason: `not for NODE_ENV=${environment}` };
    }
    if (seeder.once && done.has(seeder.name)) return { seeder: seeder.name, outcome: 'skipped', reason: 'already seeded (runs once)' };
    const started = performance.now();
    try {
      await inTransaction(runner, async () => {
        await seeder.instance.run(runner.manager);
        if (seeder.once) await ledger.record(runner, seeder.name);
      });
    } catch (error) {
      throw new SeederFailedError(seeder.name, error);
    }
    return { seeder: seeder.name, outcome: 'seeded', ms: Math.round(performance.now() - started) };
  }
}
