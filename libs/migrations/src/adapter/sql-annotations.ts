type LibPgQuery = typeof import('libpg-query');

/** What a statement does that a reviewer must not miss. */
export interface StatementNote {
  destructive: boolean;
  text: string;
}

let parser: LibPgQuery | undefined;
let loaded: Promise<void> | undefined;

/**
 * Loads PostgreSQL's parser (WASM) once; parsing is synchronous afterwards. Required on first use, so
 * commands that parse nothing (`db current` and `db migrate` with every checksum in the metadata index and
 * nothing pending) never load it.
 */
export function loadSqlParser(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  parser ??= require('libpg-query') as LibPgQuery;
  return (loaded ??= parser.loadModule());
}

/** PostgreSQL's parse tree of `sql`; `loadSqlParser()` must have resolved. */
export function parseSql(sql: string): unknown {
  return loadedParser().parseSync(sql);
}

/** PostgreSQL's scanner over `sql`: its tokens, comments included (which the parser drops). */
export function scanSql(sql: string): { start: number; end: number; text: string; tokenName: string }[] {
  return loadedParser().scanSync(sql).tokens;
}

/** The PL/pgSQL parse tree of a `DO` block or `CREATE FUNCTION` statement (PostgreSQL's PL/pgSQL parser). */
export function parsePlpgsql(sql: string): unknown {
  return loadedParser().parsePlPgSQLSync(sql);
}

function loadedParser(): LibPgQuery {
  if (!parser) throw new Error('internal: loadSqlParser() was not awaited');
  return parser;
}

type Node = Record<string, unknown>;

/**
 * Notes for the statements of a generated migration, judged on the parse tree of PostgreSQL's own parser:
 * dropping a table, schema or column and changing a column's type lose data; renames break code that uses
 * the old name. Call `loadSqlParser()` first. Unparseable SQL gets no note.
 */
export function describeStatement(sql: string): StatementNote[] {
  let tree: { stmts?: { stmt: Node }[] };
  try {
    tree = parseSql(sql) as typeof tree;
  } catch {
    return [];
  }
  return (tree.stmts ?? []).flatMap(({ stmt }) => notesFor(stmt));
}

function notesFor(stmt: Node): StatementNote[] {
  const [kind, body] = Object.entries(stmt)[0] as [string, Node];
  switch (kind) {
    case 'DropStmt':
      return dropNotes(body);
    case 'TruncateStmt':
      return [{ destructive: true, text: `DESTRUCTIVE: empties ${relations(body.relations as Node[]).join(', ')}` }];
    case 'AlterTableStmt':
      return alterNotes(body);
    case 'RenameStmt':
      return [{ destructive: false, text: `RENAME: ${renameText(body)}; code that uses the old name breaks` }];
    default:
      return [];
  }
}

function dropNotes(body: Node): StatementNote[] {
  const type = String(body.removeType);
  const names = ((body.objects as Node[]) ?? []).map(objectName);
  const what: Record<string, string> = {
    OBJECT_TABLE: 'table',
    OBJECT_SCHEMA: 'schema',
    OBJECT_MATVIEW: 'materialized view',
    OBJECT_SEQUENCE: 'sequence',
  };
  if (!what[type]) return [];
  return names.map((name) => ({ destructive: true, text: `DESTRUCTIVE: drops ${what[type]} ${name} and its data` }));
}

function alterNotes(body: Node): StatementNote[] {
  const table = relationName(body.relation as Node);
  return ((body.cmds as Node[]) ?? []).flatMap((wrapped) => {
    const cmd = (wrapped as { AlterTableCmd?: Node }).AlterTableCmd;
    if (!cmd) return [];
    switch (cmd.subtype) {
      case 'AT_DropColumn':
        return [{ destructive: true, text: `DESTRUCTIVE: drops column ${table}.${String(cmd.name)} and its data` }];
      case 'AT_AlterColumnType':
        return [{ destructive: true, text: `DESTRUCTIVE: changes the type of ${table}.${String(cmd.name)}; values may be converted or rejected` }];
      default:
        return [];
    }
  });
}

function renameText(body: Node): string {
  const relation = body.relation ? relationName(body.relation as Node) : '';
  if (body.renameType === 'OBJECT_COLUMN') return `column ${relation}.${String(body.subname)} -> ${String(body.newname)}`;
  if (body.renameType === 'OBJECT_TABLE') return `table ${relation} -> ${String(body.newname)}`;
  const object = body.object ? objectName(body.object as Node) : '';
  return `${String(body.renameType).replace('OBJECT_', '').toLowerCase()} ${relation || object || String(body.subname ?? '')} -> ${String(body.newname)}`;
}

function relations(list: Node[] | undefined): string[] {
  return (list ?? []).map((node) => relationName((node as { RangeVar?: Node }).RangeVar ?? node));
}

function relationName(relation: Node | undefined): string {
  if (!relation) return '?';
  const range = ((relation as { RangeVar?: Node }).RangeVar ?? relation) as { schemaname?: string; relname?: string };
  return range.schemaname ? `${range.schemaname}.${range.relname}` : String(range.relname);
}

function objectName(object: Node): string {
  const list = (object as { List?: { items?: Node[] } }).List?.items;
  if (list) return list.map((item) => String((item as { String?: { sval?: string } }).String?.sval ?? '?')).join('.');
  const single = (object as { String?: { sval?: string } }).String?.sval;
  return single ?? '?';
}
