import type { CatalogSnapshot, CatalogTable } from './catalog-snapshot';

/** One object that differs between two catalog snapshots. */
export interface CatalogDifference {
  /** `added`: only in `actual`; `removed`: only in `expected`; `changed`: in both, defined differently. */
  kind: 'added' | 'removed' | 'changed';
  /** What it is and where, e.g. `index public.orders.IDX_a922b8` or `column public.users.email`. */
  object: string;
  /** Its definition in `expected` (absent when added). */
  expected?: string;
  /** Its definition in `actual` (absent when removed). */
  actual?: string;
}

/**
 * The differences between two snapshots, object by object, in a stable order: what `actual` has that
 * `expected` lacks (`added`), the reverse (`removed`), and what both have but define differently (`changed`).
 * An empty array means the schemas are identical as far as the snapshot sees.
 */
export function diffCatalogs(expected: CatalogSnapshot, actual: CatalogSnapshot): CatalogDifference[] {
  const before = flatten(expected);
  const after = flatten(actual);
  const differences: CatalogDifference[] = [];
  // Objects of a table that is added or removed as a whole are summed up on the table's line.
  const wholly = (entry: Entry, other: Map<string, Entry>) => entry.parent !== undefined && !other.has(entry.parent);
  for (const [object, entry] of before) {
    const now = after.get(object);
    if (!now) {
      if (!wholly(entry, after)) differences.push({ kind: 'removed', object, expected: entry.summary ?? entry.definition });
    } else if (now.definition !== entry.definition) {
      differences.push({ kind: 'changed', object, expected: entry.definition, actual: now.definition });
    }
  }
  for (const [object, entry] of after) {
    if (!before.has(object) && !wholly(entry, before)) differences.push({ kind: 'added', object, actual: entry.summary ?? entry.definition });
  }
  return differences.filter(relevant).sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0));
}

/**
 * A column order entry tells something only when the table has the same columns on both sides in another
 * order; otherwise the added or removed columns (or the whole table) already say it.
 */
function relevant(d: CatalogDifference): boolean {
  if (!d.object.startsWith(COLUMN_ORDER)) return true;
  if (d.kind !== 'changed') return false;
  const sorted = (list?: string) => (list ?? '').split(', ').sort().join(', ');
  return sorted(d.expected) === sorted(d.actual);
}

const MARK = { added: '+', removed: '-', changed: '~' } as const;

/**
 * One line per difference: `+ index public.t.i: CREATE INDEX ...` (only in actual), `- table public.t`
 * (only in expected), `~ column public.t.c: integer NOT NULL -> bigint NOT NULL` (changed). Long definitions
 * are shortened to `maxWidth` characters.
 */
export function formatCatalogDiff(differences: readonly CatalogDifference[], maxWidth = 240): string {
  const clip = (text: string) => {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 3)}...` : flat;
  };
  return differences
    .map((d) => {
      const detail =
        d.kind === 'changed' ? `${clip(d.expected ?? '')} -> ${clip(d.actual ?? '')}` : clip((d.kind === 'added' ? d.actual : d.expected) ?? '');
      return `  ${MARK[d.kind]} ${d.object}${detail ? `: ${detail}` : ''}`;
    })
    .join('\n');
}

/** Every object of a snapshot as `kind qualified-name` -> a one-line definition. */
interface Entry {
  definition: string;
  /** What an added or removed object is shown as, when not its definition (a table: its columns). */
  summary?: string;
  /** The table (or materialized view) the object belongs to. */
  parent?: string;
}

type Put = (object: string, definition: string, more?: Omit<Entry, 'definition'>) => void;

function flatten(snapshot: CatalogSnapshot): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const put: Put = (object, definition, more = {}) => out.set(object, { definition, ...more });
  for (const schema of snapshot.schemas) put(`schema ${schema}`, '');
  for (const e of snapshot.extensions) put(`extension ${e.name}`, `version ${e.version} in schema ${e.schema}`);
  for (const t of snapshot.tables) flattenTable(t, put);
  for (const v of snapshot.views) {
    const view = `${v.kind === 'm' ? 'materialized view' : 'view'} ${v.schema}.${v.name}`;
    put(view, v.definition);
    for (const i of v.indexes ?? []) put(`index ${v.schema}.${v.name}.${i.name}`, i.definition, { parent: view });
  }
  for (const s of snapshot.sequences) {
    put(
      `sequence ${s.schema}.${s.name}`,
      `${s.type} START ${s.start} INCREMENT ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} CACHE ${s.cache}` +
        `${s.cycle ? ' CYCLE' : ''}${s.ownedBy ? ` OWNED BY ${s.ownedBy}` : ''}`,
    );
  }
  for (const e of snapshot.enums) put(`enum ${e.schema}.${e.name}`, e.labels.map((l) => `'${l}'`).join(', '));
  for (const d of snapshot.domains) {
    put(
      `domain ${d.schema}.${d.name}`,
      [d.baseType, d.notNull ? 'NOT NULL' : '', d.default !== null ? `DEFAULT ${d.default}` : '', ...d.constraints.map((c) => `CONSTRAINT ${c.name} ${c.definition}`)]
        .filter(Boolean)
        .join(' '),
    );
  }
  for (const c of snapshot.compositeTypes) put(`type ${c.schema}.${c.name}`, c.attributes.map((a) => `${a.name} ${a.type}`).join(', '));
  for (const f of snapshot.functions) {
    const kind = f.kind === 'p' ? 'procedure' : f.kind === 'a' ? 'aggregate' : 'function';
    put(`${kind} ${f.schema}.${f.name}(${f.arguments})`, f.definition ?? '');
  }
  return out;
}

const COLUMN_ORDER = 'column order of table ';

const TABLE_KIND: Record<string, string> = { r: 'table', p: 'partitioned table', f: 'foreign table' };

function flattenTable(t: CatalogTable, put: Put): void {
  const name = `${t.schema}.${t.name}`;
  const table = `${TABLE_KIND[t.kind] ?? 'table'} ${name}`;
  const flags = [
    t.persistence === 'u' ? 'UNLOGGED' : '',
    t.partitionKey ? `PARTITION BY ${t.partitionKey}` : '',
    t.partitionBound ? `PARTITION OF ... ${t.partitionBound}` : '',
    t.inherits.length ? `INHERITS (${t.inherits.join(', ')})` : '',
    t.rowSecurity ? 'ROW LEVEL SECURITY' : '',
  ];
  const columns = t.columns.map((c) => ({
    name: c.name,
    definition: [
      c.type,
      c.collation ? `COLLATE ${c.collation}` : '',
      c.notNull ? 'NOT NULL' : 'NULL',
      c.default !== null ? `DEFAULT ${c.default}` : '',
      c.identity ? `GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY` : '',
      c.generated ? `GENERATED (${c.generated === 's' ? 'stored' : 'virtual'})` : '',
    ]
      .filter(Boolean)
      .join(' '),
  }));
  const extras = (
    [
      [t.constraints.length, 'constraint', 'constraints'],
      [t.indexes.length, 'index', 'indexes'],
      [t.triggers.length, 'trigger', 'triggers'],
      [t.policies.length, 'policy', 'policies'],
    ] as const
  )
    .filter(([count]) => count > 0)
    .map(([count, one, many]) => `${count} ${count === 1 ? one : many}`);
  const summary = [`(${columns.map((c) => `${c.name} ${c.definition}`).join(', ')})`, ...flags, extras.length ? `with ${extras.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
  put(table, flags.filter(Boolean).join(' '), { summary });
  const child = { parent: table };
  for (const c of columns) put(`column ${name}.${c.name}`, c.definition, child);
  // Column order matters unless the snapshot ignored it (then the columns are sorted by name).
  put(`${COLUMN_ORDER}${name}`, t.columns.map((c) => c.name).join(', '), child);
  for (const c of t.constraints) put(`constraint ${name}.${c.name}`, c.definition, child);
  for (const i of t.indexes) put(`index ${name}.${i.name}`, i.definition, child);
  for (const g of t.triggers) put(`trigger ${name}.${g.name}`, `${g.definition}${g.enabled === 'D' ? ' (disabled)' : ''}`, child);
  for (const p of t.policies) put(`policy ${name}.${p.name}`, p.definition, child);
}
