import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MigrationFile } from '../files/migration-file';

/**
 * Bumped whenever what a template holds, or how it is built, changes: templates of an older format are then
 * never used (a miss), and are dropped when the new one is built.
 */
export const SHADOW_FORMAT_VERSION = 1;

/**
 * The cache keys of a migration history: `keys[i]` identifies the schema after the first `i` migrations (in
 * replay order), from each one's revision id and a SHA-256 of its file's bytes, chained, plus the format
 * version and `salt` (settings that change what a replay produces, such as the schema). `keys[n]` names the
 * template of the whole history; a shorter one names a template that a replay of the rest can start from.
 * 12 hex characters each. `undefined` when a file cannot be read (the cache is then not used).
 */
export function historyKeys(migrations: readonly MigrationFile[], salt = ''): string[] | undefined {
  let chain = createHash('sha256').update(`nest-migrations shadow v${SHADOW_FORMAT_VERSION}\0${salt}`).digest('hex');
  const keys = [chain.slice(0, 12)];
  for (const migration of migrations) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(migration.file);
    } catch {
      return undefined;
    }
    const file = createHash('sha256').update(bytes).digest('hex');
    chain = createHash('sha256').update(`${chain}\0${migration.revision.id}\0${file}`).digest('hex');
    keys.push(chain.slice(0, 12));
  }
  return keys;
}
