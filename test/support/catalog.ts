/**
 * Schema snapshots for tests. The implementation moved into the library's testing kit
 * (`@app/migrations/testing`, libs/migrations/src/testing/catalog-snapshot.ts); this module keeps the
 * helpers' old import path.
 */
export {
  dumpCatalog,
  formatCatalog,
  type CatalogColumn,
  type CatalogQuery,
  type CatalogSnapshot,
  type CatalogTable,
  type DumpCatalogOptions,
} from '@app/migrations/testing/catalog-snapshot';
