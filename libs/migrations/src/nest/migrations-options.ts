/** Options of `MigrationsModule.forRoot()` / `forRootAsync()`. Every field has a default. */
export interface MigrationsModuleOptions {
  /**
   * Folder of migration source files, relative to the working directory (the project root) or absolute.
   * New migrations are written here. Default: `migrations`.
   */
  migrationsDir?: string;
  /**
   * Folder the compiled migrations are loaded from. Default: found next to the running entry file
   * (`dist/migrations` for `dist/src/main.js` or `dist/main.js`), else `migrationsDir` itself.
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
  /** Module that generated migrations import the `RevisionInfo` type from. Default: `@app/migrations`. */
  revisionTypeImport?: string;
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
}
