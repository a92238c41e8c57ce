import { UsageError } from './errors';

/** Longest slug (file-name part) and longest class-name stem, before the 13-digit timestamp. */
export const MAX_SLUG_LENGTH = 60;
export const MAX_CLASS_STEM_LENGTH = 60;
/** Longest migration message, in characters (code points). */
export const MAX_MESSAGE_LENGTH = 200;
/** Slug used when a message has nothing that survives cleaning (only punctuation, non-Latin script...). */
export const FALLBACK_SLUG = 'migration';

/** Latin letters that NFKD does not decompose into ASCII + combining marks. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
};
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'gu');

/**
 * C0/C1 control characters (newlines, tabs, NUL, ESC...), the Unicode line/paragraph separators, and the
 * bidirectional formatting characters that can make text display differently from what it is.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/**
 * The file-name part of a migration message: lowercase ASCII words joined by `_`, accents folded
 * (`Café crème` → `cafe_creme`), everything else a separator. The result matches `^[a-z0-9]+(_[a-z0-9]+)*$`,
 * so it never holds a path separator or `..`; it is at most 60 characters, cut at a word boundary when
 * possible. A message with nothing usable gives `migration`.
 */
export function slugify(message: string): string {
  const folded = String(message)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(FOLDABLE, (letter) => LETTER_FOLDS[letter] ?? '');
  const slug = folded.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!slug) return FALLBACK_SLUG;
  return truncateAtBoundary(slug, MAX_SLUG_LENGTH);
}

/** Cuts `slug` to `max` characters, at the last `_` when that keeps at least half of it. */
function truncateAtBoundary(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const boundary = slug.slice(0, max + 1).lastIndexOf('_');
  const cut = boundary >= Math.floor(max / 2) ? slug.slice(0, boundary) : slug.slice(0, max);
  return cut.replace(/_+$/, '');
}

/**
 * Checks a migration message given by the user and returns it trimmed. Throws `UsageError` when it is
 * empty, longer than 200 characters, or holds control characters (newlines, tabs...).
 */
export function validateMessage(message: string): string {
  const trimmed = String(message ?? '').trim();
  if (!trimmed) {
    throw new UsageError('Migration message must not be empty', 'Describe the change, e.g. -m "Add email to users".');
  }
  if (CONTROL.test(trimmed)) {
    throw new UsageError(
      'Migration message must be a single line without control characters (newlines, tabs...)',
      'Put the details in a comment inside the migration file.',
    );
  }
  const length = [...trimmed].length;
  if (length > MAX_MESSAGE_LENGTH) {
    throw new UsageError(
      `Migration message is too long: ${length} characters, at most ${MAX_MESSAGE_LENGTH}`,
      'Keep it to a short summary; put the details in a comment inside the migration file.',
    );
  }
  return trimmed;
}

/**
 * The migration's class name: the slug's words in PascalCase (prefixed with `Migration` when it would start
 * with a digit), at most 60 characters, followed by the 13-digit millisecond timestamp TypeORM expects,
 * e.g. `AddEmailVerificationFields1795344420000`.
 */
export function className(message: string, timestampMs: number): string {
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0 || timestampMs > 9_999_999_999_999) {
    throw new UsageError(`Invalid migration timestamp ${timestampMs}: expected milliseconds since 1970 (13 digits)`);
  }
  const words = slugify(message)
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  if (/^[0-9]/.test(words[0])) words.unshift('Migration');
  let stem = '';
  for (const word of words) {
    if (stem.length + word.length > MAX_CLASS_STEM_LENGTH) break;
    stem += word;
  }
  if (stem.length < Math.floor(MAX_CLASS_STEM_LENGTH / 2)) stem = words.join('').slice(0, MAX_CLASS_STEM_LENGTH);
  return stem + String(timestampMs).padStart(13, '0');
}
