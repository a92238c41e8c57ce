import { MigrationsError, OperationFailedError } from '../core/errors';

/** Removes passwords from anything that looks like a connection string or a `password=` pair. */
export function redact(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
    .replace(/(password\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1***');
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
    return '<an unparseable URL>';
  }
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}${parsed.password ? ':***' : ''}@` : parsed.password ? ':***@' : '';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return `${parsed.protocol}//${user}${parsed.host}/${database}`;
}
