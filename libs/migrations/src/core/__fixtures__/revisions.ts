import type { Revision, Step } from '../revision';
import { RevisionGraph } from '../revision-graph';

/** In-memory revision; `minutes` becomes a createdAt offset so tests can steer tie-breaks. */
export function rev(id: string, parents: readonly string[] = [], minutes?: number): Revision {
  const createdAt = minutes === undefined ? undefined : new Date(Date.UTC(2024, 0, 1, 0, minutes));
  return { id, parents, message: `revision ${id}`, createdAt };
}

/**
 * Parses a compact graph description: whitespace-separated `id` or `id<parent1,parent2`.
 * "a b<a c<a d<b,c" is a diamond. No dates are set, so ties break by id.
 */
export function revisionsOf(spec: string): Revision[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((token) => {
      const [id, parents] = token.split('<');
      return rev(id, parents ? parents.split(',') : []);
    });
}

export function graphOf(spec: string): RevisionGraph {
  return RevisionGraph.build(revisionsOf(spec));
}

/** 12-hex-char id like the ones our generator writes. */
export function hexId(n: number): string {
  return n.toString(16).padStart(12, '0');
}

/** A linear history of `length` revisions with hex ids, oldest first. */
export function chainRevisions(length: number): Revision[] {
  return Array.from({ length }, (_, i) => rev(hexId(i + 1), i === 0 ? [] : [hexId(i)]));
}

/** Steps as readable strings, e.g. ['up:a', 'up:b']. */
export function describeSteps(steps: readonly Step[]): string[] {
  return steps.map((step) => `${step.direction}:${step.revision.id}`);
}

/**
 * Runs `fn`, expecting it to throw an instance of `type`; returns the error for further checks.
 * Deliberately free of Jest globals so this file also compiles outside the test run.
 */
export function thrown<E extends Error>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  if (error instanceof type) return error;
  throw new Error(`expected ${type.name} to be thrown, got ${error === undefined ? 'no error' : String(error)}`);
}
