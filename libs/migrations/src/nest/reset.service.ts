import { Inject, Injectable } from '@nestjs/common';
import { clearShadowCache } from '../adapter/shadow-database';
import { databaseMarker, dropObjects, listSchemaObjects, setDatabaseMarker, type SchemaObject } from '../adapter/schema-inventory';
import { SafetyRefusalError } from '../core/errors';
import type { RunReport, StepEvent } from '../core/reports';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';
import { appSchemas } from './managed-schemas';
import { MigrationsService } from './migrations.service';

const PROTECTED_SETTING = 'nest_migrations.protected';

export interface ResetOptions {
  force?: boolean;
  /** The database's name, required to reset a production database. */
  confirm?: string;
  onStep?: (event: StepEvent) => void;
}

export interface ResetReport {
  dropped: SchemaObject[];
  migrated: RunReport;
  /** Cached shadow templates of autogenerate that were dropped with it (`<db>_shadow_tpl_*`). */
  shadowTemplates: string[];
}

/** `db reset`: drop everything in the managed schemas, then apply every migration. Guarded three ways. */
@Injectable()
export class ResetService {
  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly migrations: MigrationsService,
  ) {}

  /** The schemas reset touches: the ledger's and every entity's. */
  schemas(): string[] {
    return appSchemas(this.options.schema, this.migrations.dataSource);
  }

  /** What a reset would drop, without dropping anything. */
  async inventory(): Promise<SchemaObject[]> {
    const runner = (await this.migrations.migrationDataSource()).createQueryRunner();
    try {
      return await listSchemaObjects(runner, this.schemas());
    } finally {
      await runner.release();
    }
  }

  async reset(options: ResetOptions): Promise<ResetReport> {
    const { database, production } = await this.production();
    if (!options.force) {
      const objects = await this.inventory();
      throw new SafetyRefusalError(
        `Refusing to reset ${database} without --force: it would drop ${describe(objects)}`,
        'Run `db reset -f` to drop them and re-apply every migration.',
      );
    }
    if (production && options.confirm !== database) {
      throw new SafetyRefusalError(
        `Refusing to reset ${database}: it is a production database (${production})`,
        `Add --confirm ${database} if you really mean to drop everything in it.`,
      );
    }
    const dropped = await this.migrations.exclusive(async ({ session }) => {
      const objects = await listSchemaObjects(session.runner, this.schemas());
      await dropObjects(session.runner, objects);
      return objects;
    });
    const shadowTemplates = await clearShadowCache(this.migrations.dataSource);
    const migrated = await this.migrations.upgrade({ onStep: options.onStep });
    return { dropped, migrated, shadowTemplates };
  }

  /** The database's name, and why it counts as production: NODE_ENV, or the marker set by `db protect`. */
  async production(): Promise<{ database: string; production?: string }> {
    const runner = (await this.migrations.migrationDataSource()).createQueryRunner();
    try {
      const marker = await databaseMarker(runner, PROTECTED_SETTING);
      const production = process.env.NODE_ENV === 'production' ? 'NODE_ENV=production' : marker.protected ? 'marked with `db protect`' : undefined;
      return { database: marker.database, production };
    } finally {
      await runner.release();
    }
  }

  /** `db protect`: marks the database as production (a database-level setting that survives a reset). */
  async protect(on: boolean): Promise<void> {
    const runner = (await this.migrations.migrationDataSource()).createQueryRunner();
    try {
      await setDatabaseMarker(runner, PROTECTED_SETTING, on);
    } finally {
      await runner.release();
    }
  }
}

function describe(objects: readonly SchemaObject[]): string {
  if (!objects.length) return 'nothing (the schemas are empty)';
  const byKind = new Map<string, string[]>();
  for (const object of objects) byKind.set(object.kind, [...(byKind.get(object.kind) ?? []), object.name]);
  return [...byKind].map(([kind, names]) => `${names.length} ${kind}${names.length === 1 ? '' : 's'} (${names.join(', ')})`).join('; ');
}
