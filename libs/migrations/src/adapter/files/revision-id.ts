import { randomBytes } from 'node:crypto';
import { OperationFailedError } from '../../core/errors';

const MAX_ATTEMPTS = 100;

/**
 * A new revision id: 12 lowercase hex characters (48 random bits) from the operating system's CSPRNG,
 * drawn again in the unlikely case it equals an id that already exists. `random` is for tests.
 */
export function newRevisionId(
  existing: ReadonlySet<string> = new Set(),
  random: (size: number) => Buffer = randomBytes,
): string {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const id = random(6).toString('hex');
    if (!/^[0-9a-f]{12}$/.test(id)) throw new OperationFailedError(`Random source returned an invalid revision id '${id}'`);
    if (!existing.has(id)) return id;
  }
  throw new OperationFailedError(`Could not draw an unused revision id in ${MAX_ATTEMPTS} attempts`);
}
