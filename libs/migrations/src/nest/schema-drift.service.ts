import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { dumpCatalog } from '../adapter/catalog-reader';
import { openShadow } from '../adapter/shadow-database';
import type { CatalogSnapshot } from '../core/catalog/catalog-snapshot';
import { schemaDrift, type DriftItem, type DriftScope } from '../core/catalog/schema-drift';
import type { LedgerState } from '../core/ledger-state';
import { appSchemas } from './managed-schemas';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';
import { MigrationsService } from './migrations.service';

/** The live database against what its applied migrations build. Stable shape: part of `db check --json`. */
export interface DriftReport {
  /** false under `--entities-only` (or `checkLiveDatabase: false`), and when the database has revisions the code does not know. */
  checked: boolean;
  /** Why it was not checked. */
  skipped?: 'entities-only' | 'unknown-revisions';
  /** The live database (no password). */
  database?: string;
  /** How many applied revisions the comparison replayed. */
  applied?: number;
  /** Revisions not applied yet: not drift, `db migrate` applies them. */
  pending?: { id: string; message: string }[];
  /** Applied revisions the code does not know (newer code migrated the database): drift is then not checked. */
  unknown?: string[];
  /** Where the applied migrations were replayed: a temporary database on the server, or in-memory PGlite. */
  shadow?: 'server' | 'pglite';
  /** Objects added, dropped or changed by hand; empty when the live database is what the migrations build. */
  differences: DriftItem[];
}

/**
 * Drift of the live database: its catalog against the catalog of a shadow database replayed from the
 * migrations applied in its ledger. Only the managed schemas are compared, the ledger tables left out.
 */
@Injectable()
export class SchemaDriftService {
  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly migrations: MigrationsService,
  ) {}

  /** A snapshot of a database's catalog (the shadow's, for `check` to reuse). */
  readCatalog(dataSource: DataSource): Promise<CatalogSnapshot> {
    return dumpCatalog((sql) => dataSource.query(sql));
  }

  /** Whether a shadow replayed to head is also the shadow of what the live database applied. */
  headIsApplied(state: LedgerState): boolean {
    return state.pending.length === 0 && state.unknown.length === 0;
  }

  /**
   * Compares the live database with what its applied migrations build: `atHead` is the catalog of a shadow at
   * head, used when nothing is pending; otherwise a shadow of the applied migrations is built here.
   */
  async check(state: LedgerState, atHead?: { catalog: CatalogSnapshot; kind: 'server' | 'pglite' }): Promise<DriftReport> {
    const applied = state.graph.all().filter((revision) => state.applied.has(revision.id));
    const base = {
      database: this.migrations.describeDatabase(),
      applied: applied.length,
      pending: state.pending.map((revision) => ({ id: revision.id, message: revision.message })),
      unknown: state.unknown,
    };
    if (base.unknown.length) return { checked: false, skipped: 'unknown-revisions', ...base, differences: [] };
    const built = atHead && this.headIsApplied(state) ? atHead : await this.buildApplied(applied.map((revision) => revision.id));
    const live = await this.readCatalog(await this.migrations.migrationDataSource());
    return { checked: true, ...base, shadow: built.kind, differences: schemaDrift(built.catalog, live, this.scope()) };
  }

  private async buildApplied(ids: string[]): Promise<{ catalog: CatalogSnapshot; kind: 'server' | 'pglite' }> {
    const files = this.migrations.files();
    // Uncached: a template of this prefix of the history would evict the one of head that autogenerate uses.
    const shadow = await openShadow(this.migrations.dataSource, { history: ids.map((id) => files.get(id)), entities: [], cache: false });
    try {
      return { catalog: await this.readCatalog(shadow.dataSource), kind: shadow.kind };
    } finally {
      await shadow.dispose();
    }
  }

  private scope(): DriftScope {
    const { schema, ledgerTable, typeormMigrationsTable } = this.options;
    return {
      schemas: appSchemas(schema, this.migrations.dataSource),
      // TypeORM's own bookkeeping (its migrations table, and `typeorm_metadata` for views and generated columns) is not schema.
      ignore: [`${schema}.${ledgerTable}`, `${schema}.${ledgerTable}_log`, ...(typeormMigrationsTable ? [typeormMigrationsTable] : []), 'typeorm_metadata'],
    };
  }
}
