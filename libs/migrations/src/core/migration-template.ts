/**
 * Renders a migration file in the format of docs/migration-files.md: a TypeORM `MigrationInterface` class
 * with `static readonly revision`. Pure string building: every value taken from outside (message, SQL,
 * parameters, comments) is embedded so that it can neither break the file's syntax nor change meaning,
 * and the SQL a migration issues at runtime is byte-identical to the SQL given here.
 */

/** One statement of `up` or `down`. */
export interface TemplateStatement {
  sql: string;
  /** Bind parameters (`$1`, `$2`...): JSON values only, emitted as a JSON array literal. */
  params?: unknown[];
  /** Emitted as `//` lines above the statement, e.g. `DESTRUCTIVE: drops column "users"."email" and its data`. */
  comment?: string;
}

export interface MigrationTemplateInput {
  /** 12 lowercase hex characters. */
  id: string;
  /** Parent revision ids (or, for the first revision after plain TypeORM migrations, a class name). */
  parents: string[];
  message: string;
  createdAt: Date;
  /** Class name ending in a 13-digit timestamp, e.g. `AddEmailVerificationFields1795344420000`. */
  className: string;
  up: TemplateStatement[];
  down: TemplateStatement[];
  /** Module the `RevisionInfo` type is imported from; default `nest-migrations`. */
  importFrom?: string;
  /** `false` emits `transaction = false;` (for `CREATE INDEX CONCURRENTLY` and the like). */
  transaction?: boolean;
  /** `true` marks the revision as reviewed for destructive changes. */
  allowDestructive?: boolean;
}

export const DEFAULT_IMPORT_FROM = 'nest-migrations';

const REVISION_ID = /^[0-9a-f]{12}$/;
const CLASS_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*\d{13}$/;
const SLUG = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/** Code units that are never written raw into the file, inside any literal. */
const UNPRINTABLE =
  '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff';
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';

const STRING_SPECIAL = new RegExp(`[\\\\'\\t\\n\\r${UNPRINTABLE}]|${LONE_SURROGATE}`, 'g');
const TEMPLATE_SPECIAL = new RegExp(`\\\\|\`|\\$\\{|\\r|[${UNPRINTABLE}]|${LONE_SURROGATE}`, 'g');
const JSON_SPECIAL = new RegExp(`[${UNPRINTABLE}]|${LONE_SURROGATE}`, 'g');
const COMMENT_SPECIAL = new RegExp(`[\\t${UNPRINTABLE}]|${LONE_SURROGATE}`, 'g');
/** Whitespace that editors strip at the end of a line. */
const TRAILING_SPACE = /[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+(?=\n)/g;
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '`': '\\`',
  '${': '\\${',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

function unicodeEscape(char: string): string {
  return [...char].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
}

function escapeMatch(match: string): string {
  return NAMED_ESCAPES[match] ?? unicodeEscape(match);
}

/** A single-quoted TypeScript string literal whose runtime value is exactly `value`. */
export function tsString(value: string): string {
  return `'${String(value).replace(STRING_SPECIAL, escapeMatch)}'`;
}

/**
 * A template literal (backticks included) whose runtime value is exactly `sql`: backslashes, backticks and
 * `${` are escaped, `\r` too (template literals would turn CRLF into LF), and so are control characters and
 * whitespace at the end of a line, so the file has no invisible content. Newlines and tabs stay readable.
 */
export function tsTemplate(sql: string): string {
  const body = String(sql)
    .replace(TEMPLATE_SPECIAL, escapeMatch)
    .replace(TRAILING_SPACE, (run) => [...run].map((c) => (c === '\t' ? '\\t' : unicodeEscape(c))).join(''));
  return `\`${body}\``;
}

/** `// ` lines for a comment; line breaks start a new `//` line, so the text can never leave the comment. */
export function tsLineComments(comment: string, indent = ''): string[] {
  const lines = String(comment)
    .split(LINE_BREAK)
    .map((line) => line.replace(COMMENT_SPECIAL, (c) => (c === '\t' ? ' ' : unicodeEscape(c))).trimEnd());
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  return lines.map((line) => (line ? `${indent}// ${line}` : `${indent}//`));
}

/** A JSON array literal for bind parameters; refuses values JSON would silently change. */
function paramsLiteral(params: readonly unknown[]): string {
  assertJsonValue(params, 'params');
  return JSON.stringify(params).replace(JSON_SPECIAL, unicodeEscape);
}

function assertJsonValue(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    throw new TypeError(`Cannot embed ${path} = ${value} in a migration: only finite numbers are allowed`);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new TypeError(`Cannot embed ${path}: the array has a hole at index ${i}`);
      assertJsonValue(value[i], `${path}[${i}]`);
    }
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as object).constructor?.name ?? 'object';
      throw new TypeError(`Cannot embed ${path} (a ${kind}) in a migration: use a string, number, boolean, null, array or plain object`);
    }
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') throw new TypeError(`Cannot embed ${path}: the key "__proto__" is not allowed`);
      assertJsonValue(item, `${path}.${key}`);
    }
    return;
  }
  throw new TypeError(
    `Cannot embed ${path} (${typeof value}) in a migration: use a string, number, boolean, null, array or plain object`,
  );
}

function renderStatements(statements: readonly TemplateStatement[], placeholder: string): string[] {
  const indent = '    ';
  if (!statements.length) return [`${indent}// ${placeholder}`];
  const lines: string[] = [];
  for (const statement of statements) {
    if (typeof statement?.sql !== 'string') throw new TypeError('Every migration statement needs an sql string');
    if (statement.comment !== undefined) lines.push(...tsLineComments(statement.comment, indent));
    const params = statement.params?.length ? `, ${paramsLiteral(statement.params)}` : '';
    lines.push(`${indent}await queryRunner.query(${tsTemplate(statement.sql)}${params});`);
  }
  return lines;
}

/** A valid Date, including one from another realm (vm context, Jest sandbox), where `instanceof` fails. */
function isValidDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]' && !Number.isNaN((value as Date).getTime());
}

function assertInput(input: MigrationTemplateInput): void {
  if (!REVISION_ID.test(input.id)) throw new TypeError(`Invalid revision id '${input.id}': expected 12 lowercase hex characters`);
  if (!Array.isArray(input.parents) || input.parents.some((p) => typeof p !== 'string' || !p)) {
    throw new TypeError('Revision parents must be non-empty strings');
  }
  if (!CLASS_NAME.test(input.className)) {
    throw new TypeError(`Invalid migration class name '${input.className}': expected an identifier ending in a 13-digit timestamp`);
  }
  if (!isValidDate(input.createdAt)) {
    throw new TypeError('Migration createdAt must be a valid Date');
  }
}

/** The source of a migration file, deterministic for a given input (2-space indent, final newline). */
export function renderMigration(input: MigrationTemplateInput): string {
  assertInput(input);
  const importFrom = input.importFrom ?? DEFAULT_IMPORT_FROM;
  const revision = [
    `    id: ${tsString(input.id)},`,
    `    parents: [${input.parents.map(tsString).join(', ')}],`,
    `    message: ${tsString(input.message)},`,
    `    createdAt: ${tsString(input.createdAt.toISOString())},`,
    ...(input.allowDestructive ? ['    allowDestructive: true,'] : []),
  ];
  const transaction =
    input.transaction === false
      ? [
          '',
          '  // Runs outside a transaction: PostgreSQL refuses some statements (e.g. CREATE INDEX CONCURRENTLY)',
          '  // inside one. The ledger row is written right after; a failure may leave it partly applied.',
          '  transaction = false;',
        ]
      : [];
  const lines = [
    `import type { MigrationInterface, QueryRunner } from 'typeorm';`,
    `import type { RevisionInfo } from ${tsString(importFrom)};`,
    '',
    `export class ${input.className} implements MigrationInterface {`,
    '  static readonly revision: RevisionInfo = {',
    ...revision,
    '  };',
    '',
    `  name = ${tsString(input.className)};`,
    ...transaction,
    '',
    '  async up(queryRunner: QueryRunner): Promise<void> {',
    ...renderStatements(input.up, 'Write your migration here: await queryRunner.query(`...`);'),
    '  }',
    '',
    '  async down(queryRunner: QueryRunner): Promise<void> {',
    ...renderStatements(input.down, 'Write the statements that revert up() here.'),
    '  }',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

/** `YYYYMMDD_HHMM_<id>_<slug>.ts`, time in UTC. */
export function migrationFileName(createdAt: Date, id: string, slug: string): string {
  if (!isValidDate(createdAt)) throw new TypeError('createdAt must be a valid Date');
  if (!REVISION_ID.test(id)) throw new TypeError(`Invalid revision id '${id}': expected 12 lowercase hex characters`);
  if (!SLUG.test(slug)) throw new TypeError(`Invalid slug '${slug}': expected lowercase words joined by '_' (see slugify)`);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${pad(createdAt.getUTCFullYear(), 4)}${pad(createdAt.getUTCMonth() + 1)}${pad(createdAt.getUTCDate())}`;
  const time = `${pad(createdAt.getUTCHours())}${pad(createdAt.getUTCMinutes())}`;
  return `${date}_${time}_${id}_${slug}.ts`;
}
