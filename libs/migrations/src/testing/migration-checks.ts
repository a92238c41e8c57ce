import type { Revision } from '../core/revision';
import { AdminConnection, checkPrefix, databaseUrl, uniqueDatabaseName } from './admin';
import { checkSource, compileApp, type AppModuleSource, type AppUnderTest } from './app-under-test';
import { dumpCatalog } from '../adapter/catalog-reader';
import { diffCatalogs, formatCatalogDiff, type CatalogDifference } from '../core/catalog/catalog-diff';
import type { CatalogSnapshot } from '../core/catalog/catalog-snapshot';
import { resolveAdminUrl } from './migration-test-database';

/** The checks, as pytest-alembic names its own: each runs on an empty database of its own. */
export type MigrationCheckName = 'singleHead' | 'upgradeBaseToHead' | 'upDownUp' | 'entitiesMatchMigrations' | 'downgradeToBaseLeavesNothing';

/** Every check, in the order `describeMigrationChecks` registers them. */
export const MIGRATION_CHECKS: readonly MigrationCheckName[] = [
  'singleHead',
  'upgradeBaseToHead',
  'upDownUp',
  'entitiesMatchMigrations',
  'downgradeToBaseLeavesNothing',
];

/** Options of {@link migrationChecks}. */
export interface MigrationChecksOptions extends AppModuleSource {
  /** Server to create the checks' databases on; see `createMigrationTestDatabase`. Default: `TEST_DATABASE_URL`, else `DATABASE_URL`. */
  adminUrl?: string;
  /** Start of the checks' database names (`<prefix>_check_<pid>_<random>`). Default: `test`. */
  prefix?: string;
  /**
   * Relations the schema comparisons ignore, as `name` or `schema.name`, besides the ledger and its log (and TypeORM's
   * migrations table), which are always ignored.
   */
  exclude?: readonly string[];
  /** Compare table columns by name only, not by position. Default: false (column order counts). */
  ignoreColumnOrder?: boolean;
}

/** A failed check: says which check, which revision, and how the schemas differ. */
export class MigrationCheckError extends Error {
  constructor(
    readonly check: MigrationCheckName,
    message: string,
    /** The revision at fault, when one is. */
    readonly revision?: string,
    /** The schema differences behind the failure, if it is one. */
    readonly differences: readonly CatalogDifference[] = [],
  ) {
    super(`[${check}] ${message}`);
    this.name = 'MigrationCheckError';
  }
}

/**
 * The checks, to call from your own tests. Each creates an empty database, compiles your module on it, checks,
 * then closes the module and drops the database; it resolves when the check passes and rejects with a
 * {@link MigrationCheckError} otherwise.
 */
export interface MigrationChecks {
  /** The revision graph has one head (not two branches waiting for a `db merge`). */
  singleHead(): Promise<void>;
  /** Every migration applies, in order, to an empty database; the result is at head with nothing pending. */
  upgradeBaseToHead(): Promise<void>;
  /**
   * For every revision in order: upgrade to it, downgrade it, upgrade it again. The downgrade must restore the
   * schema from before the upgrade, and the second upgrade must give the schema of the first.
   */
  upDownUp(): Promise<void>;
  /** The entities match the schema the migrations build (`db check`): no migration is missing. */
  entitiesMatchMigrations(): Promise<void>;
  /** Upgrading to head, then downgrading every revision, leaves the schema of the empty database (ledger aside). */
  downgradeToBaseLeavesNothing(): Promise<void>;
}

/**
 * The migration checks of a module, as functions. To register them all as Jest tests, use
 * {@link describeMigrationChecks}.
 *
 * @example
 * const checks = migrationChecks({ module: AppModule });
 * it('downgrades cleanly', () => checks.upDownUp());
 */
export function migrationChecks(options: MigrationChecksOptions): MigrationChecks {
  checkSource(options);
  const prefix = checkPrefix(options.prefix ?? 'test');
  const snapshot = (app: AppUnderTest) => schemaOf(app, options);
  const onEmptyDatabase = async (work: (app: AppUnderTest) => Promise<void>): Promise<void> => {
    const admin = await AdminConnection.open(resolveAdminUrl(options.adminUrl));
    const name = uniqueDatabaseName(prefix, 'check');
    let app: AppUnderTest | undefined;
    try {
      await admin.createDatabase(name, 'template0');
      app = await compileApp(options, databaseUrl(admin.url, name));
      await work(app);
    } finally {
      await app?.close();
      await admin.dropWithShadows(name).catch(() => undefined);
      await admin.close();
    }
  };

  return {
    singleHead: () =>
      onEmptyDatabase(async (app) => {
        const heads = app.migrations.heads();
        if (heads.length > 1) {
          throw new MigrationCheckError(
            'singleHead',
            `The migration history has ${heads.length} heads: ${heads.map((h) => label(h)).join(', ')}.\n` +
              `Two migrations were written on top of the same revision; join the branches with \`db merge ${heads.map((h) => h.id).join(' ')}\`.`,
          );
        }
      }),

    upgradeBaseToHead: () =>
      onEmptyDatabase(async (app) => {
        await step('upgradeBaseToHead', 'Upgrading an empty database to head failed', undefined, () => app.migrations.upgrade({ to: 'heads' }));
        const status = await app.migrations.status();
        if (!status.atHead) {
          throw new MigrationCheckError(
            'upgradeBaseToHead',
            `After upgrading an empty database to head, ${status.pending.length} revision(s) are still pending: ` +
              `${status.pending.map(label).join(', ')}${status.unknown.length ? `; unknown applied: ${status.unknown.join(', ')}` : ''}.`,
          );
        }
        const again = await app.migrations.upgrade({ to: 'heads' });
        if (again.steps.length) {
          throw new MigrationCheckError('upgradeBaseToHead', `A second upgrade to head applied ${again.steps.map((s) => s.revision).join(', ')} again.`);
        }
      }),

    upDownUp: () =>
      onEmptyDatabase(async (app) => {
        const { graph } = app.migrations.files();
        let before = await snapshot(app);
        for (const revision of graph.all()) {
          const id = revision.id;
          await step('upDownUp', `${label(revision)}: upgrade failed`, id, () => app.migrations.upgrade({ to: id }));
          const upgraded = await snapshot(app);
          const down = await step('upDownUp', `${label(revision)}: downgrade failed`, id, () => app.migrations.rollback({ steps: 1 }));
          if (down.steps.length !== 1 || down.steps[0].revision !== id) {
            throw new MigrationCheckError('upDownUp', `${label(revision)}: rolling back one step reverted ${down.steps.map((s) => s.revision).join(', ') || 'nothing'}, not it.`, id);
          }
          expectSame('upDownUp', id, before, await snapshot(app), `${label(revision)}: its downgrade does not restore the schema from before its upgrade.`, [
            'left behind by the downgrade',
            'dropped by the downgrade but there before the upgrade',
          ]);
          await step('upDownUp', `${label(revision)}: upgrading again after its downgrade failed`, id, () => app.migrations.upgrade({ to: id }));
          const again = await snapshot(app);
          expectSame('upDownUp', id, upgraded, again, `${label(revision)}: upgrading again after its downgrade gives another schema than the first upgrade.`, [
            'only after the second upgrade',
            'only after the first upgrade',
          ]);
          before = again;
        }
      }),

    entitiesMatchMigrations: () =>
      onEmptyDatabase(async (app) => {
        const report = await app.generator.check({ entitiesOnly: true });
        if (report.inSync) return;
        const parts: string[] = [];
        if (report.differences.length) {
          parts.push(
            `The entities and the schema the migrations build differ; a new migration would run:\n${report.differences.map((sql) => `  ${sql}`).join('\n')}\n` +
              'Generate it with `db migrate -m "..."`.',
          );
        }
        if (report.unregistered.length) {
          parts.push(
            `Entity classes that no loaded module imports: ${report.unregistered.map((e) => `${e.className} (${e.file})`).join(', ')}.`,
          );
        }
        throw new MigrationCheckError('entitiesMatchMigrations', parts.join('\n'));
      }),

    downgradeToBaseLeavesNothing: () =>
      onEmptyDatabase(async (app) => {
        const empty = await snapshot(app);
        await step('downgradeToBaseLeavesNothing', 'Upgrading an empty database to head failed', undefined, () => app.migrations.upgrade({ to: 'heads' }));
        const applied = (await app.migrations.status()).applied;
        await step('downgradeToBaseLeavesNothing', 'Downgrading to base failed', undefined, () => app.migrations.rollback({ steps: applied }));
        const status = await app.migrations.status();
        if (status.applied) {
          throw new MigrationCheckError('downgradeToBaseLeavesNothing', `After downgrading every revision, ${status.applied} are still recorded as applied.`);
        }
        expectSame(
          'downgradeToBaseLeavesNothing',
          undefined,
          empty,
          await snapshot(app),
          'Upgrading to head, then downgrading every revision, does not give back the empty database (the upDownUp check names the revision at fault).',
          ['left behind', 'missing'],
        );
      }),
  };
}

/** Options of {@link describeMigrationChecks}. */
export interface DescribeMigrationChecksOptions extends MigrationChecksOptions {
  /** Title of the `describe` block. Default: `migrations`. */
  title?: string;
  /** The checks to register. Default: all of {@link MIGRATION_CHECKS}. */
  checks?: readonly MigrationCheckName[];
  /** Timeout of each test, in ms. Default: 60000. */
  timeout?: number;
}

const TITLES: Record<MigrationCheckName, string> = {
  singleHead: 'has a single head',
  upgradeBaseToHead: 'upgrades an empty database to head',
  upDownUp: 'runs every migration up, down and up again, leaving the same schema',
  entitiesMatchMigrations: 'has entities that match the migrations',
  downgradeToBaseLeavesNothing: 'downgrades to base leaving nothing behind',
};

/**
 * Registers the migration checks as Jest tests (`describe` + one `it` per check). Call it at the top level of a
 * test file; it uses the test framework's globals, so it works with Vitest's globals too.
 *
 * @example
 * // test/migrations.e2e-spec.ts
 * import { describeMigrationChecks } from 'nest-migrations/testing';
 * import { AppModule } from '../src/app.module';
 *
 * describeMigrationChecks({ module: AppModule });
 */
export function describeMigrationChecks(options: DescribeMigrationChecksOptions): void {
  const globals = globalThis as unknown as {
    describe?: (name: string, fn: () => void) => void;
    it?: (name: string, fn: () => Promise<void>, timeout?: number) => void;
  };
  const { describe, it } = globals;
  if (typeof describe !== 'function' || typeof it !== 'function') {
    throw new Error('describeMigrationChecks registers tests with the global `describe` and `it`: call it from a Jest test file.');
  }
  const checks = migrationChecks(options);
  describe(options.title ?? 'migrations', () => {
    for (const name of options.checks ?? MIGRATION_CHECKS) it(TITLES[name], () => checks[name](), options.timeout ?? 60_000);
  });
}

function label(revision: Pick<Revision, 'id' | 'message'>): string {
  return revision.message ? `${revision.id} (${revision.message})` : revision.id;
}

async function step<T>(check: MigrationCheckName, what: string, revision: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MigrationCheckError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const hint = (error as { hint?: unknown } | null)?.hint;
    throw new MigrationCheckError(check, `${what}: ${message}${typeof hint === 'string' ? `\n${hint}` : ''}`, revision ?? (error as { revision?: string }).revision);
  }
}

/** Throws when the schemas differ, listing each difference; `legend` says what `+` and `-` mean here. */
function expectSame(
  check: MigrationCheckName,
  revision: string | undefined,
  expected: CatalogSnapshot,
  actual: CatalogSnapshot,
  message: string,
  legend: [added: string, removed: string],
): void {
  const differences = diffCatalogs(expected, actual);
  if (!differences.length) return;
  throw new MigrationCheckError(
    check,
    `${message}\n(+ ${legend[0]}; - ${legend[1]}; ~ changed)\n${formatCatalogDiff(differences)}`,
    revision,
    differences,
  );
}

/** The schema, without the ledger (and its schema, unless `public`) or TypeORM's migrations table. */
async function schemaOf(app: AppUnderTest, options: MigrationChecksOptions): Promise<CatalogSnapshot> {
  const { schema, ledgerTable, typeormMigrationsTable } = app.options;
  const exclude = [`${schema}.${ledgerTable}`, `${schema}.${ledgerTable}_log`, ...(typeormMigrationsTable ? [typeormMigrationsTable] : []), ...(options.exclude ?? [])];
  const snapshot = await dumpCatalog((sql) => app.dataSource.query(sql), { exclude, ignoreColumnOrder: options.ignoreColumnOrder });
  return schema === 'public' ? snapshot : { ...snapshot, schemas: snapshot.schemas.filter((name) => name !== schema) };
}
