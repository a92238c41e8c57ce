/**
 * Column types as PostgreSQL decides whether `ALTER COLUMN ... TYPE` rewrites the table.
 *
 * The rule (https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES): changing a
 * column's type rewrites the table and its indexes, "as an exception, when changing the type of an existing
 * column, if the USING clause does not change the column contents and the old type is either binary
 * coercible to the new type or an unconstrained domain over the new type, a table rewrite is not needed.
 * However, indexes will still need to be rebuilt unless the system can verify that the new index would be
 * logically equivalent to the existing one", e.g. "if the collation for a column has been changed".
 * Length and precision changes go through the type's length-coercion function, which PostgreSQL skips when
 * its planner support function proves it a no-op (varchar_support, numeric_support, timestamp_support,
 * time_support, varbit_support in src/backend/utils/adt).
 */
import type { Node, TypeRef } from './lint-model';
import { integerOf, list, strings } from './parse-tree';

/** Names the grammar does not map to the catalog's own. */
const ALIASES: Readonly<Record<string, string>> = {
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
  smallserial: 'int2',
  serial2: 'int2',
  int: 'int4',
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  decimal: 'numeric',
  boolean: 'bool',
  real: 'float4',
  'double precision': 'float8',
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'bit varying': 'varbit',
};

/** `serial`, `bigserial` ...: an integer column with a sequence default (auto-increment). */
export const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** `VARHDRSZ`: varchar and numeric type modifiers carry the varlena header size. */
const VARHDRSZ = 4;

/** The written name of a `TypeName` node: last part, or `schema.name` outside pg_catalog. */
export function writtenTypeName(typeName: Node | undefined): string {
  const parts = strings(typeName?.names);
  if (parts.length > 1 && parts[0] !== 'pg_catalog') return parts.join('.');
  return (parts[parts.length - 1] ?? '?').toLowerCase();
}

/** The canonical type of a `TypeName` node, as the statement writes it. */
export function typeFromTree(typeName: Node | undefined): TypeRef {
  const written = writtenTypeName(typeName);
  const name = ALIASES[written] ?? written;
  const raw = list(typeName?.typmods).map(integerOf).filter((n): n is number => typeof n === 'number');
  return { name, mods: treeMods(name, raw), array: list(typeName?.arrayBounds).length > 0 };
}

function treeMods(name: string, raw: number[]): number[] {
  switch (name) {
    case 'numeric':
      // numeric(p) means numeric(p, 0).
      return raw.length === 1 ? [raw[0], 0] : raw;
    case 'bpchar':
    case 'bit':
      // char and bit without a length mean a length of 1.
      return raw.length ? raw : [1];
    default:
      return raw;
  }
}

/** The canonical type of a catalog column: `pg_type.typname` (of the element for arrays) and `atttypmod`. */
export function typeFromCatalog(typname: string, typmod: number, array: boolean): TypeRef {
  return { name: typname, mods: catalogMods(typname, typmod), array };
}

function catalogMods(name: string, typmod: number): number[] {
  if (typmod < 0) return [];
  switch (name) {
    case 'varchar':
    case 'bpchar':
      return [typmod - VARHDRSZ];
    case 'numeric': {
      // src/backend/utils/adt/numeric.c: precision in the high 16 bits, scale (11-bit signed since 15) in the low ones.
      const packed = typmod - VARHDRSZ;
      return [(packed >> 16) & 0xffff, ((packed & 0x7ff) ^ 1024) - 1024];
    }
    case 'interval':
      // src/include/utils/timestamp.h: INTERVAL_RANGE in the high 16 bits, precision in the low ones.
      return [(typmod >> 16) & 0x7fff, typmod & 0xffff];
    default:
      // bit, varbit: the length; time, timetz, timestamp, timestamptz: the precision.
      return [typmod];
  }
}

/** `varchar(300)`, `numeric(12,2)`, `int4[]` for messages. */
export function formatType(type: TypeRef): string {
  const mods = type.name === 'interval' ? '' : type.mods.length ? `(${type.mods.join(',')})` : '';
  return `${type.name}${mods}${type.array ? '[]' : ''}`;
}

/** What a type change costs: nothing, an index rebuild, or a rewrite of the table and its indexes. */
export type TypeChangeEffect = 'none' | 'index-rebuild' | 'rewrite';

export interface TypeChangeInput {
  readonly from: TypeRef;
  readonly to: TypeRef;
  /** A USING expression that does more than read the column (or cast it to the new type). */
  readonly usingChangesValue: boolean;
  /** The statement sets a collation different from the column's (or one we cannot compare). */
  readonly collationChanges: boolean;
  /** The session time zone is UTC (timestamp <-> timestamptz is then binary compatible, PostgreSQL 12+). */
  readonly sessionUtc: boolean;
  readonly serverVersion?: number;
}

/** Whether PostgreSQL rewrites the table for this type change; see the file comment for the rules. */
export function typeChangeEffect(input: TypeChangeInput): TypeChangeEffect {
  if (input.usingChangesValue) return 'rewrite';
  const table = tableEffect(input);
  if (table === 'rewrite') return 'rewrite';
  if (input.collationChanges) return 'index-rebuild';
  return table;
}

function tableEffect({ from, to, sessionUtc, serverVersion }: TypeChangeInput): TypeChangeEffect {
  if (from.array !== to.array) return 'rewrite';
  if (from.array) return sameType(from, to) ? 'none' : 'rewrite';
  if (from.name === to.name) return sameName(from, to);
  const pair = `${from.name}->${to.name}`;
  switch (pair) {
    // Binary coercible casts in pg_cast (castmethod 'b'); varchar(n) -> text keeps the value as is.
    case 'varchar->text':
    case 'cidr->inet':
      return 'none';
    case 'text->varchar':
    case 'bit->varbit':
      // Binary coercible, then the length coercion of the new type: a no-op only without a new limit.
      return to.mods.length === 0 ? 'none' : 'rewrite';
    // citext (extension) casts to and from text/varchar WITHOUT FUNCTION, but sorts differently: the
    // indexes on the column are rebuilt.
    case 'text->citext':
    case 'varchar->citext':
    case 'citext->text':
      return 'index-rebuild';
    case 'citext->varchar':
      return to.mods.length === 0 ? 'index-rebuild' : 'rewrite';
    // PostgreSQL 12+: "ALTER TABLE ... SET DATA TYPE changing between timestamp and timestamptz avoids a
    // table rewrite when the session time zone is UTC" (12 release notes; tablecmds.c
    // ATColumnChangeRequiresRewrite). In any other time zone every value shifts: a rewrite.
    case 'timestamp->timestamptz':
    case 'timestamptz->timestamp':
      if (!sessionUtc || (serverVersion !== undefined && serverVersion < 120000)) return 'rewrite';
      return precisionKept(from, to, 6) ? 'none' : 'rewrite';
    default:
      return 'rewrite';
  }
}

function sameName(from: TypeRef, to: TypeRef): TypeChangeEffect {
  if (sameType(from, to)) return 'none';
  switch (from.name) {
    case 'varchar':
    case 'varbit':
      // varchar_support / varbit_support: a no-op when the new limit is absent or not smaller.
      return to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]) ? 'none' : 'rewrite';
    case 'numeric':
      // numeric_support: a no-op to unconstrained numeric, or with the same scale and a precision not smaller.
      if (to.mods.length === 0) return 'none';
      return from.mods.length > 0 && to.mods[1] === from.mods[1] && to.mods[0] >= from.mods[0] ? 'none' : 'rewrite';
    case 'timestamp':
    case 'timestamptz':
    case 'time':
      // timestamp_support / time_support (TemporalSimplify): a no-op when the precision is not reduced.
      return precisionKept(from, to, 6) ? 'none' : 'rewrite';
    case 'interval':
      // interval_support: treated as a no-op only towards an unconstrained interval (its field rules are subtler).
      return to.mods.length === 0 ? 'none' : 'rewrite';
    default:
      // bpchar (padding), bit, timetz and the rest have no no-op length coercion.
      return 'rewrite';
  }
}

/** Precision absent means the maximum (`max`); the change keeps data when the new one is not smaller. */
function precisionKept(from: TypeRef, to: TypeRef, max: number): boolean {
  const old = from.mods[0] ?? max;
  const next = to.mods[0] ?? max;
  return next >= old;
}

function sameType(a: TypeRef, b: TypeRef): boolean {
  return a.name === b.name && a.array === b.array && a.mods.length === b.mods.length && a.mods.every((m, i) => m === b.mods[i]);
}

/**
 * The session time zones with a fixed UTC offset of zero (PostgreSQL requires a zone whose offset is
 * always 0, not one that is 0 in winter, such as Europe/London).
 */
const UTC_ZONES = new Set(
  ['UTC', 'Etc/UTC', 'UCT', 'Etc/UCT', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu', 'GMT', 'Etc/GMT', 'GMT0', 'Etc/GMT0',
    'GMT+0', 'Etc/GMT+0', 'GMT-0', 'Etc/GMT-0', 'Greenwich', 'Etc/Greenwich', '+00', '+00:00', '00:00', '0'].map((z) => z.toLowerCase()),
);

export function isUtcZone(zone: string | undefined): boolean {
  return zone !== undefined && UTC_ZONES.has(zone.trim().toLowerCase());
}
