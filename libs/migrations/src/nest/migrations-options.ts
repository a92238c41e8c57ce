import type { CheckLevel } from '../core/safety';

/** Levels of the safety checks, used by the boot hook and `db lint`. Custom checks are keyed by their name. */
export interface SafetyChecksOptions {
  /** DROP TABLE/COLUMN/SCHEMA, TRUNCATE, type changes, renames, unless the migration sets `allowDestructive`. Default: `block`. */
  destructive?: CheckLevel;
  /** CREATE INDEX without CONCURRENTLY, FOREIGN KEY/CHECK without NOT VALID, SET NOT NULL, volatile defaults on existing tables. Default: `warn`. */
  lockHeavy?: CheckLevel;
  /** An applied migration whose SQL changed since it was applied. Default: `warn`. */
  integrity?: CheckLevel;
  /** Levels of user checks (`@MigrationSafetyCheck()`), by name. Default: the check's own level, else `block`. */
  [custom: string]: CheckLevel | undefined;
}

/** The run-on-boot hook: apply pending migrations before the app serves. */
export interface RunOnBootOptions {
  /** Default: false. */
  enabled?: boolean;
  /** `NODE_ENV` values in which the hook may migrate; others skip it with a log line. Default: any. */
  environments?: string[];
  /** Refuse when more migrations than this are pending. Default: no cap. */
  maxPending?: number;
  /**
   * The database has revisions the code does not know (an older image after a newer one migrated):
   * `continue` serves with a warning (rolling deploys), `fail` refuses. Default: `continue`.
   */
  onUnknownRevisions?: 'fail' | 'continue';
  /** What a refused or failed boot migration does: `exit` (non-zero, the orchestrator restarts) or `continue` (serve; health says not ready). Default: `exit`. */
  onFailure?: 'exit' | 'continue';
  /** `lock_timeout` for each migration's statements, in ms. Default: 5000. */
  lockTimeoutMs?: number;
  /** `statement_timeout` for each migration's statements, in ms; 0 for none. Default: 0. */
  statementTimeoutMs?: number;
  /** How many times a migration that hit `lock_timeout` is retried (it is rolled back first). Default: 3. */
  lockRetries?: number;
}

/** Options of `MigrationsModule.forRoot()` / `forRootAsync()`. Every field has a default. */
export interface MigrationsModuleOptions {
  /**
   * Folder of migration source files, relative to the working directory (the project root) or absolute.
   * New migrations are written here. Default: `migrations`.
   */
  migrationsDir?: string;
  /**
   * Folder the compiled migrations are loaded from. Default: found from the build tsconfig (`outDir` plus the
   * folder's path below `rootDir`), else beside the running entry file (`dist/migrations` for `dist/main.js`
   * or `dist/src/main.js`), else `migrationsDir` itself when it holds JavaScript.
   */
  compiledMigrationsDir?: string;
  /** Name of the TypeORM data source to migrate, as given to `TypeOrmModule.forRoot({ name })`. Default: `default`. */
  dataSource?: string;
  /** Schema that holds the ledger table. Default: `public`. */
  schema?: string;
  /** Name of the ledger table. Default: `migrations_ledger`. */
  ledgerTable?: string;
  /**
   * TypeORM's own migrations table: its rows count as applied, so a project that used TypeORM's CLI adopts
   * the module without re-running anything. `false` ignores it. Default: `migrations`.
   */
  typeormMigrationsTable?: string | false;
  /** How long a mutating command waits for another one holding the migration lock, in ms. Default: 60000. */
  lockWaitMs?: number;
  /**
   * Source folder scanned for entity classes that no module registers (the empty-migration trap), relative to
   * the working directory or absolute. Default: `src`.
   */
  sourceRoot?: string;
  /** Module that generated migrations import the `RevisionInfo` type from. Default: `nest-migrations`. */
  revisionTypeImport?: string;
  /** Safety check levels (boot hook and `db lint`). */
  checks?: SafetyChecksOptions;
  /** Apply pending migrations when the app boots (never in CLI mode). Default: off. */
  runOnBoot?: RunOnBootOptions;
}

/** Options after defaults and validation. */
export interface ResolvedMigrationsOptions {
  migrationsDir: string;
  compiledMigrationsDir?: string;
  dataSource: string;
  schema: string;
  ledgerTable: string;
  typeormMigrationsTable: string | false;
  lockWaitMs: number;
  sourceRoot: string;
  revisionTypeImport: string;
  checks: Required<Pick<SafetyChecksOptions, 'destructive' | 'lockHeavy' | 'integrity'>> & SafetyChecksOptions;
  runOnBoot: Required<Omit<RunOnBootOptions, 'environments' | 'maxPending'>> & Pick<RunOnBootOptions, 'environments' | 'maxPending'>;
}
