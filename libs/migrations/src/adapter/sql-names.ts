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

/** Inlines `$n` parameters as literals, for printing SQL (`--sql`); never used for what is executed. */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  if (!params.length) return sql;
  return sql.replace(/\$(\d+)/g, (whole, n: string) => {
    const index = Number(n) - 1;
    if (index >= params.length) return whole;
    const value = params[index];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (value instanceof Date) return quoteLiteral(value.toISOString());
    return quoteLiteral(typeof value === 'string' ? value : JSON.stringify(value));
  });
}

/**
 * Removes a schema qualifier (`"public"."IDX_x"` → `"IDX_x"`) from generated SQL, for tenant apps whose
 * migrations run once per schema with `search_path` set to it: a hard-coded schema would reach the same
 * schema from every tenant.
 */
export function unqualify(sql: string, schema: string): string {
  return sql.split(`${quoteIdent(schema)}.`).join('');
}
