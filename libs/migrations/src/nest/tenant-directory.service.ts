import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { UsageError } from '../core/errors';
import { normalizeTenants, type Tenant, type TenantInput } from '../core/tenants';
import { MigrationConnection } from './migration-connection';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions, TenantSource } from './migrations-options';

/**
 * Where the tenants come from (the `tenants` option): a fixed list, a factory, or an injectable provider.
 * Asked each time a command, the boot hook or `MigrationsService.tenants()` needs them, so tenants created
 * at run time (a row in a `tenants` table) are seen by the next fan-out.
 */
@Injectable()
export class TenantDirectory {
  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly moduleRef: ModuleRef,
    private readonly connection: MigrationConnection,
  ) {}

  /** The schema of a database tenant's ledger when it names none. */
  get defaultSchema(): string {
    return this.options.schema;
  }

  /** How many tenants a fan-out runs at once unless told otherwise. */
  get concurrency(): number {
    return this.options.tenantConcurrency;
  }

  /** Whether the app has a tenant source at all. */
  get configured(): boolean {
    return this.options.tenants !== undefined;
  }

  async list(): Promise<Tenant[]> {
    const source = this.options.tenants;
    if (source === undefined) {
      throw new UsageError('This app has no tenants: --tenant and --all-tenants need the `tenants` option', 'Set `tenants` in MigrationsModule.forRoot() (a list, a factory or { provider }); see docs/tenants.md.');
    }
    let inputs: readonly TenantInput[];
    if (Array.isArray(source)) inputs = source;
    else if (typeof source === 'function') inputs = await source({ dataSource: this.connection.app, moduleRef: this.moduleRef });
    else {
      const provider = this.moduleRef.get<TenantSource>((source as { provider: never }).provider, { strict: false });
      inputs = await provider.tenants();
    }
    return normalizeTenants(inputs);
  }
}
