/**
 * Turns the SQL a migration runs into the plain data the lint rules read (core/lint): PostgreSQL's parse
 * tree of each statement, the `lint:accept` markers in its comments (found by PostgreSQL's scanner, so a
 * string literal that contains the words is never a marker), and for DO blocks and PL/pgSQL functions the
 * statements inside them, read by PostgreSQL's PL/pgSQL parser. Call `loadSqlParser()` first.
 */
import { markerIn } from '../../core/lint/accept-markers';
import type { AcceptMarker, Node, ParsedStatement, ProceduralBody } from '../../core/lint/lint-model';
import { as, list } from '../../core/lint/parse-tree';
import { parsePlpgsql, parseSql, scanSql } from '../sql-annotations';

interface RawStatement {
  stmt: Node;
  stmt_location?: number;
  stmt_len?: number;
}

/** Each captured text (one `query()` call) becomes one parsed statement per SQL statement it holds. */
export function parseStatements(texts: readonly string[]): ParsedStatement[] {
  return texts.flatMap((sql) => parseText(sql));
}

function parseText(sql: string): ParsedStatement[] {
  const tokens = scan(sql);
  const found = tokens.filter((token) => token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT');
  let stmts: RawStatement[];
  try {
    stmts = (parseSql(sql) as { stmts?: RawStatement[] }).stmts ?? [];
  } catch (error) {
    return [{ sql, error: firstLine(error), markers: markersOf(found) }];
  }
  return stmts.map((raw, index) => {
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : sql.length;
    const [kind, node] = Object.entries(raw.stmt)[0] as [string, Node];
    // A comment belongs to the statement it precedes or sits in; one after the last statement to the last.
    const previousEnd = index === 0 ? -1 : (stmts[index - 1].stmt_location ?? 0) + (stmts[index - 1].stmt_len ?? 0);
    const last = index === stmts.length - 1;
    const mine = found.filter((c) => c.start > previousEnd && (last || c.start < end));
    const text = sql.slice(start, end);
    const body = procedural(kind, node, text);
    const long = longIdentifiers(tokens.filter((token) => token.start >= start && token.start < end));
    return {
      sql: stmts.length === 1 ? sql : text,
      kind,
      node,
      markers: markersOf(mine),
      ...(long.length ? { longIdentifiers: long } : {}),
      ...(body ? { body } : {}),
    };
  });
}

type Token = ReturnType<typeof scanSql>[number];

function scan(sql: string): Token[] {
  try {
    return scanSql(sql);
  } catch {
    return [];
  }
}

/** PostgreSQL truncates identifiers past 63 bytes (NAMEDATALEN - 1) before the parse tree sees them. */
function longIdentifiers(tokens: readonly Token[]): string[] {
  return tokens
    .filter((token) => token.tokenName === 'IDENT')
    .map((token) => (token.text.startsWith('"') ? token.text.slice(1, -1).replace(/""/g, '"') : token.text.toLowerCase()))
    .filter((name) => Buffer.byteLength(name, 'utf8') > 63);
}

function markersOf(found: readonly { text: string }[]): AcceptMarker[] {
  return found.map((comment) => markerIn(comment.text)).filter((marker): marker is AcceptMarker => !!marker);
}

/** What a DO block runs, or what a PL/pgSQL function's body would run when called. */
function procedural(kind: string, node: Node, text: string): ProceduralBody | undefined {
  if (kind !== 'DoStmt' && kind !== 'CreateFunctionStmt') return undefined;
  const options = list(kind === 'DoStmt' ? node.args : node.options).map((item) => as(item, 'DefElem')).filter((d): d is Node => !!d);
  const language = options.find((d) => d.defname === 'language');
  const name = String(as(language?.arg, 'String')?.sval ?? (kind === 'DoStmt' ? 'plpgsql' : 'sql')).toLowerCase();
  const runsNow = kind === 'DoStmt';
  if (name !== 'plpgsql') return runsNow ? { runsNow, statements: [], dynamic: [], opaque: `it is written in ${name}` } : undefined;
  try {
    return { runsNow, ...bodyOf(parsePlpgsql(text)) };
  } catch (error) {
    return { runsNow, statements: [], dynamic: [], opaque: `PostgreSQL's PL/pgSQL parser refuses it: ${firstLine(error)}` };
  }
}

/** Static statements (in order) and dynamic SQL found anywhere in a PL/pgSQL tree. */
function bodyOf(tree: unknown): Pick<ProceduralBody, 'statements' | 'dynamic'> {
  const statements: ParsedStatement[] = [];
  const dynamic: string[] = [];
  const query = (expr: unknown) => String(as(expr, 'PLpgSQL_expr')?.query ?? '');
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value as Node)) {
      const body = child as Node;
      if (key === 'PLpgSQL_stmt_execsql') statements.push(...parseText(query(body.sqlstmt)));
      else if (key === 'PLpgSQL_stmt_dynexecute' || key === 'PLpgSQL_stmt_dynfors') dynamic.push(query(body.query));
      else if ((key === 'PLpgSQL_stmt_open' || key === 'PLpgSQL_stmt_return_query') && body.dynquery) dynamic.push(query(body.dynquery));
      visit(child);
    }
  };
  visit(tree);
  return { statements, dynamic };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
