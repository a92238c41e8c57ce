/** The shape of a table as far as rename detection cares: column names and types. */
export interface TableShape {
  /** Table path as TypeORM prints it (`users` or `schema.users`). */
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

export interface ColumnRename {
  readonly kind: 'column';
  readonly table: string;
  readonly from: string;
  readonly to: string;
}

export interface TableRename {
  readonly kind: 'table';
  readonly from: string;
  readonly to: string;
}

export type Rename = ColumnRename | TableRename;

/**
 * Pairs that look like renames rather than a drop and an add: a column that disappears from a table that
 * gains a column of the same type, and a table that disappears while a table with the same columns appears.
 * Every plausible pair is returned; the caller asks, or is told, which are real.
 */
export function findRenameCandidates(before: readonly TableShape[], after: readonly TableShape[]): Rename[] {
  const beforeByName = new Map(before.map((table) => [table.name, table]));
  const afterByName = new Map(after.map((table) => [table.name, table]));
  const candidates: Rename[] = [];
  for (const table of after) {
    const old = beforeByName.get(table.name);
    if (!old) continue;
    const kept = new Set(table.columns.map((column) => column.name));
    const existing = new Set(old.columns.map((column) => column.name));
    const removed = old.columns.filter((column) => !kept.has(column.name));
    const added = table.columns.filter((column) => !existing.has(column.name));
    for (const gone of removed) {
      for (const fresh of added) {
        if (gone.type === fresh.type) candidates.push({ kind: 'column', table: table.name, from: gone.name, to: fresh.name });
      }
    }
  }
  const removedTables = before.filter((table) => !afterByName.has(table.name));
  const addedTables = after.filter((table) => !beforeByName.has(table.name));
  for (const gone of removedTables) {
    for (const fresh of addedTables) {
      if (sameColumns(gone, fresh)) candidates.push({ kind: 'table', from: gone.name, to: fresh.name });
    }
  }
  return candidates;
}

function sameColumns(a: TableShape, b: TableShape): boolean {
  const signature = (table: TableShape) => table.columns.map((column) => `${column.name}:${column.type}`).sort().join(',');
  return a.columns.length > 0 && signature(a) === signature(b);
}

/** `table.old:new` renames a column; `old_table:new_table` renames a table. */
export function parseRenameSpec(spec: string): Rename {
  const match = /^([^:]+):([^:.]+)$/.exec(spec.trim());
  if (!match) throw new Error(`expected table.old_column:new_column or old_table:new_table, got '${spec}'`);
  const [, left, to] = match;
  const dot = left.lastIndexOf('.');
  if (dot > 0) return { kind: 'column', table: left.slice(0, dot), from: left.slice(dot + 1), to };
  return { kind: 'table', from: left, to };
}

/** `users.name -> users.full_name` or `old_table -> new_table`, for prompts and messages. */
export function describeRename(rename: Rename): string {
  return rename.kind === 'column'
    ? `column ${rename.table}.${rename.from} -> ${rename.table}.${rename.to}`
    : `table ${rename.from} -> ${rename.to}`;
}

export function sameRename(a: Rename, b: Rename): boolean {
  return a.kind === b.kind && a.from === b.from && a.to === b.to && (a.kind === 'table' || a.table === (b as ColumnRename).table);
}
