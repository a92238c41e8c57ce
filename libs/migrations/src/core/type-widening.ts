/**
 * Whether a column type change keeps every value as it is: a widening. Autogenerate converts a column in place
 * (`ALTER COLUMN ... TYPE`) whenever PostgreSQL can cast it; a widening is marked as such in the generated file,
 * any other conversion (a narrowing, a change of kind) stays marked DESTRUCTIVE, because values may be rounded,
 * reinterpreted (timestamp <-> timestamptz follows the session time zone) or rejected.
 */
import type { TypeRef } from './lint/lint-model';
import { typeChangeEffect } from './lint/pg-types';

/** Integer and floating types, and how many decimal digits each holds exactly. */
const EXACT_DIGITS: Readonly<Record<string, number>> = { int2: 5, int4: 10, int8: 19 };
const INTEGER_ORDER = ['int2', 'int4', 'int8'];

export function keepsEveryValue(from: TypeRef, to: TypeRef): boolean {
  if (from.array !== to.array) return false;
  // Binary coercible or a no-op length coercion (varchar(n) -> varchar(m >= n), varchar -> text, numeric with
  // more precision and the same scale ...). Time zones excluded: timestamp <-> timestamptz reinterprets values.
  const zoned = (type: TypeRef) => type.name === 'timestamptz' || type.name === 'timestamp';
  const bare = { from: { ...from, array: false }, to: { ...to, array: false } };
  if (!(zoned(from) && zoned(to) && from.name !== to.name)) {
    if (typeChangeEffect({ ...bare, usingChangesValue: false, collationChanges: false, sessionUtc: false }) === 'none') return true;
  }
  if (from.name in EXACT_DIGITS) {
    if (INTEGER_ORDER.includes(to.name)) return INTEGER_ORDER.indexOf(to.name) >= INTEGER_ORDER.indexOf(from.name);
    if (to.name === 'numeric') return to.mods.length === 0 || to.mods[0] - to.mods[1] >= EXACT_DIGITS[from.name];
    // float8 holds every int4 (and int2) exactly, float4 only int2.
    if (to.name === 'float8') return from.name !== 'int8';
    if (to.name === 'float4') return from.name === 'int2';
  }
  if (from.name === 'float4' && to.name === 'float8') return true;
  if ((from.name === 'varchar' || from.name === 'bpchar' || from.name === 'text') && to.name === 'text') return from.name !== 'bpchar';
  return false;
}
