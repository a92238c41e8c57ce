import type { RuleHit } from '../core/safety';
import { parseSql } from './sql-annotations';

type Node = Record<string, unknown>;

export interface StatementHit extends RuleHit {
  statement: string;
}

const VOLATILE = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v4', 'clock_timestamp', 'timeofday', 'nextval', 'txid_current']);

/**
 * Judges the SQL a migration runs, parsed by PostgreSQL's own parser (libpg-query; call `loadSqlParser()`
 * first): what destroys data, and what takes a long lock on a table that already exists. Tables created
 * earlier in the same migration are new, so locking them is harmless.
 */
export function judgeStatements(statements: readonly string[]): StatementHit[] {
  const created = new Set<string>();
  const hits: StatementHit[] = [];
  for (const statement of statements) {
    let tree: { stmts?: { stmt: Node }[] };
    try {
      tree = parseSql(statement) as typeof tree;
    } catch {
      continue;
    }
    for (const { stmt } of tree.stmts ?? []) {
      const [kind, body] = Object.entries(stmt)[0] as [string, Node];
      for (const hit of judge(kind, body, created)) hits.push({ ...hit, statement });
      if (kind === 'CreateStmt') created.add(relation(body.relation as Node));
    }
  }
  return hits;
}

function judge(kind: string, body: Node, created: ReadonlySet<string>): RuleHit[] {
  switch (kind) {
    case 'DropStmt':
      return dropHits(body);
    case 'TruncateStmt':
      return [destructive('TRUNCATE empties the table', 'Delete rows in a data migration you have reviewed, or mark the migration allowDestructive.')];
    case 'RenameStmt':
      return renameHits(body);
    case 'AlterTableStmt':
      return alterHits(body, created);
    case 'IndexStmt':
      return indexHits(body, created);
    default:
      return [];
  }
}

function dropHits(body: Node): RuleHit[] {
  const what: Record<string, string> = { OBJECT_TABLE: 'DROP TABLE', OBJECT_SCHEMA: 'DROP SCHEMA', OBJECT_MATVIEW: 'DROP MATERIALIZED VIEW' };
  const label = what[String(body.removeType)];
  if (!label) return [];
  return [destructive(`${label} deletes its data`, 'Stop using it first and drop it in a later release, reviewed: mark that migration allowDestructive.')];
}

function renameHits(body: Node): RuleHit[] {
  if (body.renameType !== 'OBJECT_COLUMN' && body.renameType !== 'OBJECT_TABLE') return [];
  const what = body.renameType === 'OBJECT_COLUMN' ? 'column' : 'table';
  return [
    destructive(
      `RENAME of a ${what} breaks the running version of the app, which still uses the old name`,
      `Add the new ${what}, copy, and drop the old one in a later release (expand/contract), or mark the migration allowDestructive.`,
    ),
  ];
}

function alterHits(body: Node, created: ReadonlySet<string>): RuleHit[] {
  const table = relation(body.relation as Node);
  const existing = !created.has(table);
  return ((body.cmds as Node[]) ?? []).flatMap((wrapped) => {
    const cmd = (wrapped as { AlterTableCmd?: Node }).AlterTableCmd;
    if (!cmd) return [];
    switch (cmd.subtype) {
      case 'AT_DropColumn':
        return [destructive(`DROP COLUMN ${String(cmd.name)} deletes its data`, 'Stop reading the column first, then drop it in a later release: mark that migration allowDestructive.')];
      case 'AT_AlterColumnType':
        return [destructive(`changing the type of ${String(cmd.name)} rewrites the table and may lose data`, 'Add a column of the new type, backfill, and switch over; or mark the migration allowDestructive.')];
      case 'AT_SetNotNull':
        return existing ? [lockHeavy(`SET NOT NULL on ${table}.${String(cmd.name)} scans the table under an ACCESS EXCLUSIVE lock`, 'Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (PostgreSQL 12+ skips the scan).')] : [];
      case 'AT_AddConstraint':
        return existing ? constraintHits(cmd.def as Node, table) : [];
      case 'AT_AddColumn':
        return existing ? columnDefaultHits(cmd.def as Node, table) : [];
      default:
        return [];
    }
  });
}

function constraintHits(def: Node | undefined, table: string): RuleHit[] {
  const constraint = (def as { Constraint?: Node } | undefined)?.Constraint;
  if (!constraint || constraint.skip_validation) return [];
  if (constraint.contype === 'CONSTR_FOREIGN') {
    return [lockHeavy(`FOREIGN KEY on ${table} without NOT VALID checks every row while holding locks on both tables`, 'Add it NOT VALID, then VALIDATE CONSTRAINT in a separate migration.')];
  }
  if (constraint.contype === 'CONSTR_CHECK') {
    return [lockHeavy(`CHECK constraint on ${table} without NOT VALID scans the table under an ACCESS EXCLUSIVE lock`, 'Add it NOT VALID, then VALIDATE CONSTRAINT in a separate migration.')];
  }
  return [];
}

function columnDefaultHits(def: Node | undefined, table: string): RuleHit[] {
  const column = (def as { ColumnDef?: Node } | undefined)?.ColumnDef;
  const constraints = (column?.constraints as Node[] | undefined) ?? [];
  for (const wrapped of constraints) {
    const constraint = (wrapped as { Constraint?: Node }).Constraint;
    if (constraint?.contype !== 'CONSTR_DEFAULT') continue;
    const fn = volatileCall(constraint.raw_expr as Node);
    if (fn) {
      return [lockHeavy(`column ${table}.${String(column?.colname)} with volatile default ${fn}() rewrites the whole table`, 'Add the column without a default, set the default, then backfill in batches.')];
    }
  }
  return [];
}

function volatileCall(expr: Node | undefined): string | undefined {
  const call = (expr as { FuncCall?: Node } | undefined)?.FuncCall;
  if (!call) return undefined;
  const names = ((call.funcname as Node[]) ?? []).map((n) => String((n as { String?: { sval?: string } }).String?.sval ?? ''));
  const name = names[names.length - 1];
  return VOLATILE.has(name) ? name : undefined;
}

function indexHits(body: Node, created: ReadonlySet<string>): RuleHit[] {
  const table = relation(body.relation as Node);
  if (body.concurrent || created.has(table)) return [];
  return [
    lockHeavy(
      `CREATE INDEX on ${table} without CONCURRENTLY blocks writes to the table while it builds`,
      'Use CREATE INDEX CONCURRENTLY in a migration with transaction = false.',
    ),
  ];
}

function relation(node: Node | undefined): string {
  const range = ((node as { RangeVar?: Node } | undefined)?.RangeVar ?? node) as { schemaname?: string; relname?: string } | undefined;
  if (!range) return '?';
  return range.schemaname ? `${range.schemaname}.${range.relname}` : String(range.relname);
}

function destructive(message: string, hint: string): RuleHit {
  return { rule: 'destructive', message, hint };
}

function lockHeavy(message: string, hint: string): RuleHit {
  return { rule: 'lock-heavy', message, hint };
}
