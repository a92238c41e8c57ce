import { AmbiguousRevisionError, InvalidTargetError, MultipleHeadsError, UnknownAppliedRevisionError, UnknownRevisionError } from './errors';
import { currentHeads, unknownApplied } from './planner';
import { stepBack, stepForward } from './relative-steps';
import type { RevisionGraph } from './revision-graph';
import { baseTarget, revisionsTarget, type Target } from './target';

/** Shorter prefixes collide too easily in a long history to be safe to type into `downgrade`. */
export const MIN_PREFIX_LENGTH = 4;

const HEX = /^[0-9a-f]+$/i;
const TARGET_HINT = "Use 'head', 'heads', 'base', a revision id (or 4+ character prefix), '+N', '-N', or '<rev>+N' / '<rev>-N'.";

/**
 * Resolves a full revision id or a unique prefix of at least {@link MIN_PREFIX_LENGTH} characters.
 * Hex ids (our format) match case-insensitively; other ids (TypeORM class names) match exactly.
 * An exact id always wins, even when it is also a prefix of longer ids.
 * @throws InvalidTargetError for an empty spec, or a non-exact prefix that is too short.
 * @throws UnknownRevisionError when nothing matches.
 * @throws AmbiguousRevisionError when several revisions match (candidates in topological order).
 */
export function resolveRevision(graph: RevisionGraph, spec: string): string {
  const wanted = spec.trim();
  if (wanted === '') throw new InvalidTargetError(spec, 'a revision id is required');
  if (graph.has(wanted)) return wanted;
  if (wanted.length < MIN_PREFIX_LENGTH) {
    throw new InvalidTargetError(
      wanted,
      `a revision prefix needs at least ${MIN_PREFIX_LENGTH} characters`,
      'Give more characters of the revision id.',
    );
  }
  const candidates = graph.ids().filter(prefixMatcher(wanted));
  const exact = candidates.find((id) => id.length === wanted.length);
  if (exact !== undefined) return exact;
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) throw new UnknownRevisionError(wanted);
  throw new AmbiguousRevisionError(wanted, candidates);
}

function prefixMatcher(prefix: string): (id: string) => boolean {
  if (!HEX.test(prefix)) return (id) => id.startsWith(prefix);
  const lower = prefix.toLowerCase();
  return (id) => (HEX.test(id) ? id.toLowerCase().startsWith(lower) : id.startsWith(prefix));
}

/**
 * Turns a user's target spec into a {@link Target}:
 * - `head`: the single head; `heads`: every head; `base`: nothing applied;
 * - a revision id or prefix (see {@link resolveRevision});
 * - `+N` / `-N`: N steps forward / back from the single current applied head (`+N` with nothing
 *   applied starts before base);
 * - `<anchor>+N` / `<anchor>-N` where anchor is a revision, `head` or `base`.
 * Forward steps must follow a single path; back steps follow first parents (see relative-steps.ts).
 * @param applied ids recorded as applied; only relative specs without an anchor read it.
 * @throws InvalidTargetError, UnknownRevisionError, AmbiguousRevisionError, MultipleHeadsError,
 *   UnknownAppliedRevisionError (a bare `+N`/`-N` while the ledger holds revisions the code lacks).
 */
export function resolveTarget(graph: RevisionGraph, spec: string, applied: ReadonlySet<string>): Target {
  const wanted = spec.trim();
  if (wanted === '') throw new InvalidTargetError(spec, 'a target is required', TARGET_HINT);
  if (wanted === 'base') return baseTarget();
  if (wanted === 'heads') return revisionsTarget(graph.heads());
  if (wanted === 'head') return revisionsTarget([singleHead(graph, wanted)]);
  if (graph.has(wanted)) return revisionsTarget([wanted]);
  const relative = parseRelative(wanted);
  if (relative === undefined) return revisionsTarget([resolveRevision(graph, wanted)]);
  const start = relative.anchor === '' ? currentHead(graph, applied, wanted) : anchorOf(graph, relative.anchor);
  if (relative.sign === '+') return revisionsTarget([stepForward(graph, start, relative.count, wanted)]);
  if (start === null) throw new InvalidTargetError(wanted, 'cannot step back from base');
  return stepBack(graph, start, relative.count, wanted);
}

interface RelativeSpec {
  readonly anchor: string;
  readonly sign: '+' | '-';
  readonly count: number;
}

/**
 * Splits `<anchor><sign><count>` at the last sign. Returns undefined when the text after the sign is
 * not a number and there is an anchor ("foo-bar" is more likely a mistyped id than a step).
 */
function parseRelative(spec: string): RelativeSpec | undefined {
  const at = Math.max(spec.lastIndexOf('+'), spec.lastIndexOf('-'));
  if (at < 0) return undefined;
  const anchor = spec.slice(0, at);
  const countText = spec.slice(at + 1);
  const count = /^\d+$/.test(countText) ? Number(countText) : NaN;
  if (Number.isSafeInteger(count) && count > 0) return { anchor, sign: spec[at] as '+' | '-', count };
  if (anchor !== '' && !/^\d+$/.test(countText)) return undefined;
  throw new InvalidTargetError(spec, `step count must be a positive whole number, got '${countText}'`, TARGET_HINT);
}

/** `null` stands for "before the bases". */
function anchorOf(graph: RevisionGraph, anchor: string): string | null {
  if (anchor === 'base') return null;
  if (anchor === 'head') return singleHead(graph, anchor);
  return resolveRevision(graph, anchor);
}

function singleHead(graph: RevisionGraph, spec: string): string {
  const heads = graph.heads();
  if (heads.length === 0) throw new InvalidTargetError(spec, 'there are no revisions');
  if (heads.length > 1) throw new MultipleHeadsError(heads, `resolve '${spec}'`);
  return heads[0];
}

/** "Where the database is": relative steps are meaningless if that is several places or unknown. */
function currentHead(graph: RevisionGraph, applied: ReadonlySet<string>, spec: string): string | null {
  const unknown = unknownApplied(graph, applied);
  if (unknown.length > 0) throw new UnknownAppliedRevisionError(unknown);
  const heads = currentHeads(graph, applied);
  if (heads.length > 1) throw new MultipleHeadsError(heads, `step '${spec}' from the current revisions`);
  return heads[0] ?? null;
}
