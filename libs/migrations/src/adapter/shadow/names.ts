import { createHash, randomBytes } from 'node:crypto';

/**
 * Names of the shadow databases of one app database. All start with `<stem>_shadow_`, so one `LIKE` finds
 * them (for `db reset` and for tests):
 *
 * - `<stem>_shadow_<8 hex>`: a shadow a diff runs on (a clone of the template, or a fresh database), dropped after;
 * - `<stem>_shadow_bld_<8 hex>`: a template being built; renamed to its template name only once complete;
 * - `<stem>_shadow_tpl_<12 hex>`: a template holding the schema of the migration history whose key it carries.
 *
 * The stem is the database name when it is at most 39 characters (so that the longest name is 63, PostgreSQL's
 * limit), else its first 30 characters plus 8 hex of its hash (so that two long names never share a stem).
 */
export const STEM_MAX = 39;

export function shadowStem(database: string): string {
  if (database.length <= STEM_MAX) return database;
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 8);
  return `${database.slice(0, STEM_MAX - 9)}_${hash}`;
}

export function shadowName(stem: string): string {
  return `${stem}_shadow_${randomBytes(4).toString('hex')}`;
}

export function buildName(stem: string): string {
  return `${stem}_shadow_bld_${randomBytes(4).toString('hex')}`;
}

export function templateName(stem: string, key: string): string {
  return `${stem}_shadow_tpl_${key}`;
}

/** `LIKE` pattern of every template of `stem` (underscores escaped). */
export function templatePattern(stem: string): string {
  return `${likeEscape(stem)}\\_shadow\\_tpl\\_%`;
}

/** `LIKE` pattern of every shadow database of `stem`: shadows, builds and templates. */
export function shadowPattern(stem: string): string {
  return `${likeEscape(stem)}\\_shadow\\_%`;
}

/** The history key a template name carries, if it is one of `stem`'s. */
export function templateKey(stem: string, name: string): string | undefined {
  const prefix = `${stem}_shadow_tpl_`;
  return name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
