import { MigrationsError, OperationFailedError } from '../core/errors';

/** The variables whose URLs may carry a password this process knows, to scrub wherever they appear. */
const URL_VARIABLES = ['DATABASE_URL', 'MIGRATIONS_DATABASE_URL'];

/**
 * Removes passwords from text (error messages, stack traces): every URL in it is split into its parts and
 * printed again without the password (see {@link printableUrl}), the passwords of the configured URLs are
 * removed wherever else they appear, and so are `password=` pairs.
 */
export function redact(text: string): string {
  let out = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, (token) => (splitUrl(token)?.password ? printableUrl(token) : token));
  for (const secret of knownPasswords()) out = out.split(secret).join('***');
  return out.replace(/(password\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1***');
}

/** The passwords of the configured URLs, raw and percent-decoded (never shorter than 3 characters: too common). */
function knownPasswords(): string[] {
  const secrets = new Set<string>();
  for (const name of URL_VARIABLES) {
    const password = splitUrl(process.env[name] ?? '')?.password;
    if (!password) continue;
    secrets.add(password);
    try {
      secrets.add(decodeURIComponent(password));
    } catch {
      // not percent-encoded: the raw form is enough
    }
  }
  return [...secrets].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
}

/**
 * A URL's parts, read the way a person wrote it: the user information runs to the LAST `@` before the host,
 * so a password holding an unencoded `@`, `:` or `/` stays whole. `undefined` when it is not `scheme://...`.
 */
function splitUrl(url: string): { scheme: string; user: string; password?: string; rest: string } | undefined {
  const match = /^([a-z][a-z0-9+.-]*:)\/\/(.*)$/is.exec(url);
  if (!match) return undefined;
  const [, scheme, after] = match;
  const at = after.lastIndexOf('@');
  if (at < 0) return { scheme, user: '', rest: after };
  const userinfo = after.slice(0, at);
  const colon = userinfo.indexOf(':');
  return {
    scheme,
    user: colon < 0 ? userinfo : userinfo.slice(0, colon),
    password: colon < 0 ? undefined : userinfo.slice(colon + 1),
    rest: after.slice(at + 1),
  };
}

/** The first line of a driver or runtime error, without a password, with the query position when useful. */
export function describeDriverError(error: unknown): string {
  const e = error as { message?: string; driverError?: { message?: string } } | null;
  const message = e?.driverError?.message ?? e?.message ?? String(error);
  return redact(message.split('\n')[0]);
}

/** Error codes `connectionError` turns into a specific message (Node's network codes, PostgreSQL's SQLSTATEs). */
export const CONNECTION_ERROR_CODES: readonly string[] = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', '3D000', '28P01', '28000'];

interface Target {
  host?: string;
  port?: number | string;
  database?: string;
  user?: string;
}

/**
 * Turns a connection failure into one actionable line. Node and pg report these with codes; anything
 * unrecognised keeps its first line, redacted.
 */
export function connectionError(error: unknown, target: Target): MigrationsError {
  const code = (error as { code?: string } | null)?.code;
  const where = `${target.host ?? 'localhost'}:${target.port ?? 5432}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new OperationFailedError(
        `Cannot connect to PostgreSQL at ${where}: connection refused`,
        'Is PostgreSQL running, and is DATABASE_URL correct?',
        'connection_failed',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OperationFailedError(
        `Cannot connect to PostgreSQL: host '${target.host}' not found`,
        'Check the host name in DATABASE_URL.',
        'connection_failed',
      );
    case 'ETIMEDOUT':
      return new OperationFailedError(`Cannot connect to PostgreSQL at ${where}: timed out`, 'Check the host, port and firewall.', 'connection_failed');
    case '3D000':
      return new OperationFailedError(
        `Database "${target.database}" does not exist on ${where}`,
        `Create it first, e.g. \`createdb ${target.database ?? '<name>'}\` or \`psql -c 'CREATE DATABASE "${target.database ?? '<name>'}"'\`.`,
        'database_missing',
      );
    case '28P01':
    case '28000':
      return new OperationFailedError(
        `PostgreSQL at ${where} rejected user "${target.user ?? ''}": authentication failed`,
        'Check the user and password in DATABASE_URL.',
        'authentication_failed',
      );
    default:
      return new OperationFailedError(`Cannot connect to the database: ${describeDriverError(error)}`, undefined, 'connection_failed');
  }
}

/** The SQLSTATE (or Node network code) of a driver error, wrapped by TypeORM or not. */
export function driverCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A connection URL fit to print: parsed, then printed without its password, so a password with any
 * character (an unencoded `@`, `:` or `/`) cannot leak in part. An unparseable URL prints as a placeholder.
 */
export function printableUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // WHATWG's parser gives up on an unencoded `/` in a password; split it by hand, and print no password.
    const parts = splitUrl(url);
    if (!parts) return '<an unparseable URL>';
    return `${parts.scheme}//${parts.user ? `${safeDecode(parts.user)}${parts.password !== undefined ? ':***' : ''}@` : ''}${parts.rest}`;
  }
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}${parsed.password ? ':***' : ''}@` : parsed.password ? ':***@' : '';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return `${parsed.protocol}//${user}${parsed.host}/${database}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
