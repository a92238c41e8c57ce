import { diffCatalogs, type CatalogDifference } from './catalog-diff';
import type { CatalogSnapshot } from './catalog-snapshot';

/**
 * Drift: where a live database differs from the schema its applied migrations build. Both sides are catalog
 * snapshots (the live database, and a shadow database replayed from the applied migrations); this file decides
 * what is compared and names each difference. Pure: no database here.
 */

/** What `schemaDrift` compares. */
export interface DriftScope {
  /** Schemas the app manages (the ledger's, the entities'); schemas the migrations put objects in are added. */
  schemas: readonly string[];
  /**
   * Relations left out, as `name` (any schema) or `schema.name`, with their columns, constraints, indexes and
   * owned sequences: the ledger, its log, TypeORM's migrations table.
   */
  ignore: readonly string[];
}

/** `added`: only in the live database (added by hand); `dropped`: built by the migrations, gone from the live database; `changed`: defined differently. */
export type DriftKind = 'added' | 'dropped' | 'changed';

/** One object where the live database differs from what its applied migrations build. */
export interface DriftItem {
  kind: DriftKind;
  /** `table`, `column`, `index`, `constraint`, `sequence`, `enum`, `view`, `function`, ... */
  type: string;
  /** Qualified name: `public.users` for a table, `public.users.email` for a column, index or constraint. */
  name: string;
  /** What the applied migrations build (absent when added by hand). */
  expected?: string;
  /** What the live database has (absent when dropped by hand). */
  live?: string;
}

/** Object kinds as `diffCatalogs` names them, longest first so that `materialized view` wins over `view`. */
const TYPES = [
  'column order of table',
  'materialized view',
  'partitioned table',
  'foreign table',
  'constraint',
  'extension',
  'procedure',
  'aggregate',
  'function',
  'sequence',
  'trigger',
  'column',
  'domain',
  'policy',
  'schema',
  'index',
  'table',
  'enum',
  'type',
  'view',
];

/**
 * The differences between what the applied migrations build (`built`) and the live database (`live`), in the
 * managed schemas only, the ignored relations left out. Not compared: the schemas themselves (their objects
 * are), extensions (database-wide, and TypeORM creates some when it connects), column order (an `ADD COLUMN` always appends), and PostgreSQL 18's
 * not-null constraints (nullability is compared on the column, the same on every server version).
 */
export function schemaDrift(built: CatalogSnapshot, live: CatalogSnapshot, scope: DriftScope): DriftItem[] {
  const schemas = managedSchemas(built, scope);
  const items = diffCatalogs(inScope(built, schemas, scope.ignore), inScope(live, schemas, scope.ignore)).map(toDriftItem);
  // A sequence owned by a table added or dropped as a whole is part of that table's line.
  const wholeTables = new Set(items.filter((item) => item.type === 'table' && item.kind !== 'changed').map((item) => item.name));
  const owners = new Map([...built.sequences, ...live.sequences].map((s) => [`${s.schema}.${s.name}`, s.ownedBy]));
  const ownedByWhole = (item: DriftItem) => {
    const owner = item.type === 'sequence' ? owners.get(item.name) : null;
    return !!owner && item.kind !== 'changed' && wholeTables.has(owner.slice(0, owner.lastIndexOf('.')));
  };
  // A primary key, unique or exclusion constraint brings an index of the same name: the constraint's line says it.
  const constraints = new Set(items.filter((item) => item.type === 'constraint').map((item) => `${item.kind} ${item.name}`));
  const constraintIndex = (item: DriftItem) => item.type === 'index' && constraints.has(`${item.kind} ${item.name}`);
  return items.filter((item) => item.type !== COLUMN_ORDER && !ownedByWhole(item) && !constraintIndex(item));
}

const COLUMN_ORDER = 'column order of table';

/** The declared schemas, plus every schema in which the migrations build something. */
export function managedSchemas(built: CatalogSnapshot, scope: Pick<DriftScope, 'schemas'>): Set<string> {
  const schemas = new Set(scope.schemas);
  const kinds = [built.tables, built.views, built.sequences, built.enums, built.domains, built.compositeTypes, built.functions];
  for (const objects of kinds) for (const object of objects) schemas.add(object.schema);
  return schemas;
}

/** The part of a snapshot that drift compares. */
export function inScope(snapshot: CatalogSnapshot, schemas: ReadonlySet<string>, ignore: readonly string[]): CatalogSnapshot {
  const ignored = new Set(ignore);
  const isIgnored = (schema: string, name: string) => ignored.has(name) || ignored.has(`${schema}.${name}`);
  const keep = <T extends { schema: string; name: string }>(objects: T[]) => objects.filter((o) => schemas.has(o.schema) && !isIgnored(o.schema, o.name));
  const ownerIgnored = (ownedBy: string | null) => {
    if (!ownedBy) return false;
    const [schema, table] = splitOwner(ownedBy);
    return isIgnored(schema, table);
  };
  return {
    // A managed schema is there on both sides or its objects say it; the ledger creates its own schema when missing.
    schemas: [],
    extensions: [],
    tables: keep(snapshot.tables).map((table) => ({
      ...table,
      constraints: table.constraints.filter((constraint) => constraint.type !== 'n'),
    })),
    views: keep(snapshot.views),
    sequences: keep(snapshot.sequences).filter((sequence) => !ownerIgnored(sequence.ownedBy)),
    enums: keep(snapshot.enums),
    domains: keep(snapshot.domains),
    compositeTypes: keep(snapshot.compositeTypes),
    functions: keep(snapshot.functions),
  };
}

/** `schema.table.column` of a sequence's owner; names are unquoted, so a dot inside a name is ambiguous: the schema is taken up to the first dot. */
function splitOwner(ownedBy: string): [string, string] {
  const first = ownedBy.indexOf('.');
  const last = ownedBy.lastIndexOf('.');
  return [ownedBy.slice(0, first), ownedBy.slice(first + 1, last)];
}

function toDriftItem(difference: CatalogDifference): DriftItem {
  const type = TYPES.find((candidate) => difference.object.startsWith(`${candidate} `)) ?? difference.object.split(' ')[0];
  const name = difference.object.slice(type.length + 1);
  const kind: DriftKind = difference.kind === 'removed' ? 'dropped' : difference.kind;
  return {
    kind,
    type,
    name,
    ...(difference.expected !== undefined ? { expected: difference.expected } : {}),
    ...(difference.actual !== undefined ? { live: difference.actual } : {}),
  };
}

/**
 * One line for a person: `added column public.users.nickname: character varying(40) NULL`,
 * `dropped index public.orders.IDX_a9: CREATE INDEX ...`, `changed column public.products.quantity: integer
 * NOT NULL DEFAULT 0 -> integer NOT NULL DEFAULT 5` (what the migrations build, then the live database).
 */
export function describeDrift(item: DriftItem, maxWidth = 160): string {
  const clip = (text: string) => {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 3)}...` : flat;
  };
  const detail = item.kind === 'changed' ? `${clip(item.expected ?? '')} -> ${clip(item.live ?? '')}` : clip((item.kind === 'added' ? item.live : item.expected) ?? '');
  return `${item.kind} ${item.type} ${item.name}${detail ? `: ${detail}` : ''}`;
}
