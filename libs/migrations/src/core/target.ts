/**
 * What a command moves the database to: the empty schema ("base"), or a set of revisions that must
 * end up applied together with all their ancestors. Produced by `resolveTarget`, consumed by planners.
 */
export type Target = { kind: 'base' } | { kind: 'revisions'; ids: string[] };

/** The target that means "nothing applied". */
export function baseTarget(): Target {
  return { kind: 'base' };
}

/** A target naming these revisions. */
export function revisionsTarget(ids: readonly string[]): Target {
  return { kind: 'revisions', ids: [...ids] };
}
