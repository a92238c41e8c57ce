/**
 * Small readers for the JSON parse tree of libpg-query (PostgreSQL's raw parser). Field names are the
 * parser's own (`relname`, `subtype`, `contype` ...), see PostgreSQL's src/include/nodes/parsenodes.h.
 */
import type { Node } from './lint-model';

/** `{ "RangeVar": {...} }` -> `['RangeVar', {...}]`. */
export function unwrap(wrapped: unknown): [string, Node] | undefined {
  if (!wrapped || typeof wrapped !== 'object') return undefined;
  const entries = Object.entries(wrapped as Node);
  if (entries.length !== 1) return undefined;
  const [kind, body] = entries[0];
  return body && typeof body === 'object' && !Array.isArray(body) ? [kind, body as Node] : undefined;
}

/** The body of a wrapped node of the given type, or undefined. */
export function as(wrapped: unknown, kind: string): Node | undefined {
  const found = unwrap(wrapped);
  return found && found[0] === kind ? found[1] : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `[{ String: { sval } }, ...]` -> the strings. */
export function strings(value: unknown): string[] {
  return list(value).map((item) => String(as(item, 'String')?.sval ?? ''));
}

/** A relation as written: `schema.name` or `name` (the key the catalog lookup answers for). */
export function relationKey(range: unknown): string {
  const body = (as(range, 'RangeVar') ?? range) as { schemaname?: string; relname?: string } | undefined;
  if (!body?.relname) return '?';
  return body.schemaname ? `${body.schemaname}.${body.relname}` : body.relname;
}

/** Every node of `type` anywhere under `root`. */
export function collect(root: unknown, type: string): Node[] {
  const found: Node[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value as Node)) {
      if (key === type && child && typeof child === 'object' && !Array.isArray(child)) found.push(child as Node);
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** The constraints of a column definition (`NOT NULL`, `DEFAULT`, `UNIQUE`, `REFERENCES` ...). */
export function columnConstraints(columnDef: Node | undefined): Node[] {
  return list(columnDef?.constraints)
    .map((item) => as(item, 'Constraint'))
    .filter((c): c is Node => !!c);
}

/** The integer of an `A_Const` (or `Integer`) node. */
export function integerOf(node: unknown): number | undefined {
  const constant = as(node, 'A_Const') ?? (node as Node | undefined);
  const ival = (constant?.ival as { ival?: number } | undefined) ?? as(node, 'Integer');
  if (ival && typeof ival === 'object') return typeof ival.ival === 'number' ? ival.ival : 0;
  return undefined;
}

/** The text of a string constant (`A_Const` with `sval`), or undefined. */
export function stringOf(node: unknown): string | undefined {
  const constant = as(node, 'A_Const') ?? (node as Node | undefined);
  const sval = constant?.sval as { sval?: string } | undefined;
  return sval ? String(sval.sval ?? '') : undefined;
}

/** The options of a `DefElem` list, by name (`concurrently`, `full` ...). */
export function optionNames(value: unknown): string[] {
  return list(value)
    .map((item) => as(item, 'DefElem')?.defname)
    .filter((name): name is string => typeof name === 'string');
}

/** Function names called anywhere under `root` (last part of the name, lowercase). */
export function calledFunctions(root: unknown): string[] {
  return collect(root, 'FuncCall').map((call) => {
    const parts = strings(call.funcname);
    return parts[parts.length - 1].toLowerCase();
  });
}
