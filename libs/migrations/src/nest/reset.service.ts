import { Inject, Injectable } from '@nestjs/common';
import { quoteIdent } from '../adapter/sql-names';
import { dropStatements, listSchemaObjects, type SchemaObject } from '../adapter/schema-inventory';
import { SafetyRefusalError } from '../core/errors';
import type { RunReport, StepEvent } from './migration-reports';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';
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
    const entitySchemas = this.migrations.dataSource.entityMetadatas.map((metadata) => metadata.schema).filter((s): s is string => !!s);
    return [...new Set([this.options.schema, ...entitySchemas])];
  }

  /** What a reset would drop, without dropping anything. */
  async inventory(): Promise<SchemaObject[]> {
    const runner = this.migrations.dataSource.createQueryRunner();
    try {
      return await listSchemaObjects(runner, this.schemas());
    } finally {
      await runner.release();
    }
  }

  async reset(options: ResetOptions): Promise<ResetReport> {
    const database = String(this.migrations.dataSource.driver.database ?? '');
    if (!options.force) {
      const objects = await this.inventory();
      throw new SafetyRefusalError(
        `Refusing to reset ${database} without --force: it would drop ${describe(objects)}`,
        'Run `db reset -f` to drop them and re-apply every migration.',
      );
    }
    const production = await this.isProduction();
    if (production && options.confirm !== database) {
      throw new SafetyRefusalError(
        `Refusing to reset ${database}: it is a production database (${production})`,
        `Add --confirm ${database} if you really mean to drop everything in it.`,
      );
    }
    const dropped = await this.migrations.withLock(async (runner) => {
      const objects = await listSchemaObjects(runner, this.schemas());
      await runner.startTransaction();
      try {
        for (const sql of dropStatements(objects)) await runner.query(sql);
        await runner.commitTransaction();
      } catch (error) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
      return objects;
    });
    const migrated = await this.migrations.upgrade({ onStep: options.onStep });
    return { dropped, migrated };
  }

  /** Why the database counts as production: NODE_ENV, or the marker set by `db protect`. */
  async isProduction(): Promise<string | undefined> {
    if (process.env.NODE_ENV === 'production') return 'NODE_ENV=production';
    const rows = await this.migrations.dataSource.query(`SELECT current_setting('${PROTECTED_SETTING}', true) AS "value"`);
    return rows[0]?.value === 'on' ? 'marked with `db protect`' : undefined;
  }

  /** `db protect`: marks the database as production (a database-level setting that survives a reset). */
  async protect(on: boolean): Promise<void> {
    const database = quoteIdent(String(this.migrations.dataSource.driver.database ?? ''));
    await this.migrations.dataSource.query(
      on ? `ALTER DATABASE ${database} SET ${PROTECTED_SETTING} = 'on'` : `ALTER DATABASE ${database} RESET ${PROTECTED_SETTING}`,
    );
  }
}

function describe(objects: readonly SchemaObject[]): string {
  if (!objects.length) return 'nothing (the schemas are empty)';
  const byKind = new Map<string, string[]>();
  for (const object of objects) byKind.set(object.kind, [...(byKind.get(object.kind) ?? []), object.name]);
  return [...byKind].map(([kind, names]) => `${names.length} ${kind}${names.length === 1 ? '' : 's'} (${names.join(', ')})`).join('; ');
}
