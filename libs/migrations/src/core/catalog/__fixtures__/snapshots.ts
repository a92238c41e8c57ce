import type { CatalogColumn, CatalogSnapshot, CatalogTable } from '../catalog-snapshot';

/** Small builders of catalog snapshots for the unit tests. */

export const column = (name: string, type = 'integer', extra: Partial<CatalogColumn> = {}): CatalogColumn => ({
  name,
  type,
  notNull: false,
  default: null,
  identity: '',
  generated: '',
  collation: null,
  ...extra,
});

export const table = (name: string, columns: CatalogColumn[], extra: Partial<CatalogTable> = {}): CatalogTable => ({
  schema: 'public',
  name,
  kind: 'r',
  persistence: 'p',
  partitionKey: null,
  partitionBound: null,
  inherits: [],
  rowSecurity: false,
  columns,
  constraints: [],
  indexes: [],
  triggers: [],
  policies: [],
  ...extra,
});

export const snapshot = (tables: CatalogTable[], extra: Partial<CatalogSnapshot> = {}): CatalogSnapshot => ({
  schemas: ['public'],
  extensions: [],
  tables,
  views: [],
  sequences: [],
  enums: [],
  domains: [],
  compositeTypes: [],
  functions: [],
  ...extra,
});
