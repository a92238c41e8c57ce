/**
 * Testing kit (`nest-migrations/testing`), for Jest with @nestjs/testing and a real PostgreSQL server:
 *
 * - `createMigrationTestDatabase`: a fresh database per test file, migrated to head, cloned in milliseconds
 *   from a template database migrated once per change of the migrations;
 * - `describeMigrationChecks` / `migrationChecks`: ready-made checks of the migration history (single head,
 *   upgrade from base, up/down/up per revision with schema comparison, entities in sync, clean downgrade);
 * - `dumpCatalog` / `diffCatalogs`: schema snapshots and their differences, for your own assertions.
 *
 * See docs/testing.md. Needs `@nestjs/testing` (a dev dependency) and never runs in production code.
 */
export {
  createMigrationTestDatabase,
  dropMigrationTemplates,
  type MigrationTestDatabase,
  type MigrationTestDatabaseOptions,
} from './testing/migration-test-database';
export {
  describeMigrationChecks,
  migrationChecks,
  MigrationCheckError,
  MIGRATION_CHECKS,
  type DescribeMigrationChecksOptions,
  type MigrationCheckName,
  type MigrationChecks,
  type MigrationChecksOptions,
} from './testing/migration-checks';
export type { AppModuleSource, ModuleImport } from './testing/app-under-test';
export { dumpCatalog, type CatalogQuery, type DumpCatalogOptions } from './adapter/catalog-reader';
export { formatCatalog, type CatalogColumn, type CatalogSnapshot, type CatalogTable } from './core/catalog/catalog-snapshot';
export { diffCatalogs, formatCatalogDiff, type CatalogDifference } from './core/catalog/catalog-diff';
