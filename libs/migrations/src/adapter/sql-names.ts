/** Quotes a PostgreSQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"` */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/**
 * A SQL string literal that reads the same whatever `standard_conforming_strings` says: an E'' literal with
 * backslashes doubled when the value has any. NUL cannot be stored in a PostgreSQL text value and is dropped.
 */
export function quoteLiteral(value: string): string {
  const clean = value.replace(/\0/g, '').replace(/'/g, "''");
  return clean.includes('\\') ? `E'${clean.replace(/\\/g, '\\\\')}'` : `'${clean}'`;
}

/** A literal for a value of a ledger column: NULL, a number, or a quoted string. */
export function sqlValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  return quoteLiteral(value);
}
