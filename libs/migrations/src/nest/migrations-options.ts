import type { InjectionToken } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { CheckLevel } from '../core/safety';
import type { TenantInput } from '../core/tenants';

/** What a tenant factory receives: the app's data source (to read a `tenants` table) and the module ref. */
export interface TenantSourceContext {
  dataSource: DataSource;
  moduleRef: ModuleRef;
}

/** An injectable provider that lists the tenants at run time (`tenants: { provider: TenantsSource }`). */
export interface TenantSource {
  tenants(): TenantInput[] | Promise<TenantInput[]>;
}

/**
 * The tenants of a schema-per-tenant or database-per-tenant app: a fixed list, a factory called each time
 * a command or the boot hook needs them, or an injectable provider implementing {@link TenantSource}.
 */
export type TenantsOption =
  | readonly TenantInput[]
  | ((context: TenantSourceContext) => TenantInput[] | Promise<TenantInput[]>)
  | { provider: InjectionToken };

/**
 * Levels of the safety checks, used by the boot hook and `db lint`: per lint rule by its id (docs/lint-rules.md),
 * per family of rules by the names below, and user checks by their name. A rule's own key wins over its family's.
 */
export interface SafetyChecksOptions {
  /** Every rule that loses data or breaks the running app (DROP, TRUNCATE, RENAME, rewriting type changes ...), unless the migration sets `allowDestructive`. Default: each rule's own (mostly `block`). */
  destructive?: CheckLevel;
  /** Every rule about long locks on existing tables (CREATE INDEX without CONCURRENTLY, constraints without NOT VALID ...). Default: each rule's own (mostly `warn`; size-aware). */
  lockHeavy?: CheckLevel;
  /** Transaction rules (CONCURRENTLY inside a transaction, COMMIT inside a migration ...). */
  transaction?: CheckLevel;
  /** `require-lock-timeout`, `require-statement-timeout`. */
  timeout?: CheckLevel;
  /** Schema habits squawk checks (prefer bigint, text, timestamptz, identity ...). Mostly `off` by default. */
  style?: CheckLevel;
  /** `cannot-judge`: dynamic SQL and other statements whose effect is not in the text. */
  unjudgeable?: CheckLevel;
  /** Problems with acceptances themselves (`invalid-accept`, `unused-accept`). */
  accept?: CheckLevel;
  /** An applied migration whose SQL changed since it was applied. Default: `warn`. */
  integrity?: CheckLevel;
  /** Lint rules by id (`'require-concurrent-index-creation': 'block'`) and user checks (`@MigrationSafetyCheck()`) by name. */
  [ruleOrCustom: string]: CheckLevel | undefined;
}

/**
 * Where a size-aware lint rule stops being harmless: a table at or below both small figures is small (no
 * finding), one at or above either large figure is large (the finding blocks). Row counts are the planner's
 * estimate (`reltuples`), sizes `pg_total_relation_size` in bytes.
 */
export interface TableSizeOptions {
  /** Default: 10000. */
  smallRows?: number;
  /** Default: 10485760 (10 MiB). */
  smallBytes?: number;
  /** Default: 1000000. */
  largeRows?: number;
  /** Default: 1073741824 (1 GiB). */
  largeBytes?: number;
}

/**
 * The migration policy of one entrance (the boot hook, `db migrate`): what must hold before pending
 * migrations run, and the session settings they run with. Safety-check levels are shared (`checks`).
 */
export interface MigrationPolicyOptions {
  /** Refuse when more migrations than this are pending. Default: no cap. */
  maxPending?: number;
  /**
   * The database has revisions the code does not know (an older image after a newer one migrated):
   * `continue` goes on with a warning (rolling deploys; `db migrate` exits 0), `fail` refuses. Default: `continue`.
   */
  onUnknownRevisions?: 'fail' | 'continue';
  /** `lock_timeout` for each migration's statements, in ms; 0 for none. Default: 5000 on boot, 10000 for the CLI. */
  lockTimeoutMs?: number;
  /** `statement_timeout` for each migration's statements, in ms; 0 for none. Default: 0. */
  statementTimeoutMs?: number;
  /** How many times a migration that hit `lock_timeout` is retried (it is rolled back first). Default: 3. */
  lockRetries?: number;
}

/** The run-on-boot hook: apply pending migrations before the app serves. */
export interface RunOnBootOptions extends MigrationPolicyOptions {
  /** Default: false. */
  enabled?: boolean;
  /** `NODE_ENV` values in which the hook may migrate; others skip it with a log line. Default: any. */
  environments?: string[];
  /** Migrate every tenant too (after the main schema), with the same policy. Default: false. */
  tenants?: boolean;
  /** What a refused or failed boot migration does: `exit` (non-zero, the orchestrator restarts) or `continue` (serve; health says not ready). Default: `exit`. */
  onFailure?: 'exit' | 'continue';
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
   * A direct connection for migrations, when the app's own URL goes through a pooler in transaction mode
   * (like Prisma's `directUrl`): the lock, the ledger and every migration use it. Default:
   * `process.env.MIGRATIONS_DATABASE_URL`, else the app's data source.
   */
  migrationsUrl?: string;
  /**
   * Record what this module applies and reverts in TypeORM's own migrations table too, in the same
   * transaction, so `typeorm migration:show|run|revert` agree: `auto` when the table exists, `always`
   * (created when missing), `never`. Default: `auto`.
   */
  mirrorToTypeormTable?: 'auto' | 'always' | 'never';
  /**
   * Source folder scanned for entity classes that no module registers (the empty-migration trap), relative to
   * the working directory or absolute. Default: `src`.
   */
  sourceRoot?: string;
  /** Module that generated migrations import the `RevisionInfo` type from. Default: `nest-migrations`. */
  revisionTypeImport?: string;
  /**
   * `db check` also compares the live database with what its applied migrations build (drift: objects added,
   * changed or dropped by hand); `false` compares only the entities with the migrations, as `--entities-only`
   * does. Default: true.
   */
  checkLiveDatabase?: boolean;
  /**
   * Keep the schema of the migration history in a template database on the server (`<db>_shadow_tpl_<key>`)
   * and clone it for each `db migrate -m` / `db check`, instead of replaying the history every time. The env
   * `MIGRATIONS_SHADOW_CACHE=false` (or `0`) turns it off too. Default: true.
   */
  shadowCache?: boolean;
  /** Safety check levels (boot hook and `db lint`). */
  checks?: SafetyChecksOptions;
  /** Table size thresholds of the size-aware lint rules; `false` ignores sizes (every finding at its configured level). */
  tableSizes?: TableSizeOptions | false;
  /** Apply pending migrations when the app boots (never in CLI mode). Default: off. */
  runOnBoot?: RunOnBootOptions;
  /** The policy of `db migrate` (and the session settings of `db rollback`). */
  cli?: MigrationPolicyOptions;
  /** The tenants `--tenant NAME` / `--all-tenants` and `runOnBoot.tenants` act on (docs/tenants.md). Default: none. */
  tenants?: TenantsOption;
  /** How many tenants a fan-out migrates at once (and its connections); `--concurrency N` overrides it. Default: 4. */
  tenantConcurrency?: number;
}

/** A policy after defaults. */
export type ResolvedPolicy = Required<Omit<MigrationPolicyOptions, 'maxPending'>> & Pick<MigrationPolicyOptions, 'maxPending'>;

/** Options after defaults and validation. */
export interface ResolvedMigrationsOptions {
  migrationsDir: string;
  compiledMigrationsDir?: string;
  dataSource: string;
  schema: string;
  ledgerTable: string;
  typeormMigrationsTable: string | false;
  lockWaitMs: number;
  migrationsUrl?: string;
  mirrorToTypeormTable: 'auto' | 'always' | 'never';
  sourceRoot: string;
  revisionTypeImport: string;
  checkLiveDatabase: boolean;
  /** `shadowCache` after `MIGRATIONS_SHADOW_CACHE`. */
  shadowCache: boolean;
  /** As given (families and rules unset stay unset, so each rule keeps its own default), plus `integrity`. */
  checks: Required<Pick<SafetyChecksOptions, 'integrity'>> & SafetyChecksOptions;
  tableSizes: Required<TableSizeOptions> | false;
  runOnBoot: ResolvedPolicy & { enabled: boolean; environments?: string[]; onFailure: 'exit' | 'continue'; tenants: boolean };
  cli: ResolvedPolicy;
  tenants?: TenantsOption;
  tenantConcurrency: number;
}
