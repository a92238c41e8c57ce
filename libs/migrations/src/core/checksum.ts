/**
 * Checksums of applied migrations, the pure part: which algorithm wrote a stored checksum (its prefix), the
 * canonical form of a PostgreSQL parse tree that the current algorithm hashes, and what a stored checksum
 * says about a migration as it is now. Hashing and parsing live in the adapter (adapter/migration-checksum.ts).
 *
 * - `v1` (no prefix, 64 hex digits): SHA-256 of the captured SQL text with whitespace folded, which also
 *   folded whitespace inside string literals. Written by 0.2.0 and earlier; still read, never written.
 * - `v2` (`v2:` + SHA-256 in base64url): SHA-256 of each statement's parse tree without source positions
 *   (so formatting, comments and the compiler do not count, and every constant does); text that does not
 *   parse is hashed exactly as sent.
 */

export type ChecksumAlgorithm = 'v1' | 'v2';

/** The algorithm every new checksum is written with. */
export const CURRENT_CHECKSUM_ALGORITHM: ChecksumAlgorithm = 'v2';

const KNOWN: ReadonlySet<string> = new Set<ChecksumAlgorithm>(['v2']);

/**
 * The algorithm a stored checksum was written with: its `vN:` prefix, `v1` without one, `undefined` for a
 * prefix this version does not know (a newer release wrote it).
 */
export function checksumAlgorithm(stored: string): ChecksumAlgorithm | undefined {
  const prefix = /^(v\d+):/.exec(stored)?.[1];
  if (prefix === undefined) return 'v1';
  return KNOWN.has(prefix) ? (prefix as ChecksumAlgorithm) : undefined;
}

/** A digest as stored: `v1` bare (as 0.2.0 wrote it), later algorithms behind their prefix. */
export function storedChecksum(algorithm: ChecksumAlgorithm, digest: string): string {
  return algorithm === 'v1' ? digest : `${algorithm}:${digest}`;
}

/**
 * Fields of PostgreSQL's parse tree that say where something was written, not what it is: byte offsets
 * (`location`, `name_location`) and a statement's span in its text (`stmt_location`, `stmt_len`). Only
 * numbers are dropped: `CREATE TABLESPACE ... LOCATION '/path'` has a `location` that is a constant.
 */
const POSITION_FIELDS: ReadonlySet<string> = new Set(['location', 'name_location', 'stmt_location', 'stmt_len']);

/**
 * A parse tree as one deterministic string: keys sorted, source positions dropped, every other value
 * (constants, names, flags) kept as the parser gave it.
 */
export function canonicalTree(tree: unknown): string {
  return JSON.stringify(withoutPositions(tree));
}

function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'number' && POSITION_FIELDS.has(key)) continue;
    out[key] = withoutPositions(child);
  }
  return out;
}

/** What a stored checksum says about the migration as it is now. */
export type ChecksumCheck =
  /** Same migration. `outdated`: stored by an older algorithm, to be rewritten in the current one. */
  | { result: 'unchanged'; outdated: boolean }
  /** It runs different SQL than when it was applied. */
  | { result: 'edited' }
  /** Cannot tell: a newer release wrote it, or the migration's SQL cannot be computed now. */
  | { result: 'unjudged' };

/**
 * Compares a stored checksum with the migration as it is now, in the algorithm that wrote it: old rows are
 * re-hashed the old way, so upgrading this package never reports every migration as edited. `compute`
 * gives the migration's checksum in an algorithm (as stored, prefix included), or null when it cannot.
 */
export async function checkChecksum(stored: string, compute: (algorithm: ChecksumAlgorithm) => Promise<string | null>): Promise<ChecksumCheck> {
  const algorithm = checksumAlgorithm(stored);
  if (!algorithm) return { result: 'unjudged' };
  const now = await compute(algorithm);
  if (now === null) return { result: 'unjudged' };
  if (now !== stored) return { result: 'edited' };
  return { result: 'unchanged', outdated: algorithm !== CURRENT_CHECKSUM_ALGORITHM };
}
