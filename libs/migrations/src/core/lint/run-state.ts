/**
 * What the statements run so far have done, as far as the rules care: relations created in this run (new:
 * locking them is harmless), column types changed, session settings (lock_timeout, statement_timeout,
 * TimeZone), explicit transactions, and tables already locked in the current transaction.
 */
import type { ColumnInfo, LintEnvironment, MigrationToLint, Node, RelationInfo, TypeRef } from './lint-model';
import { as, collect, integerOf, list, relationKey, stringOf, strings } from './parse-tree';
import { isUtcZone, typeFromTree } from './pg-types';

/** What a rule may ask about the run; the engine's `RunState` answers it. */
export interface RunView {
  /** The relation was created earlier in this run (this migration or an earlier one judged with it). */
  isNew(key: string): boolean;
  /** Catalog figures of an existing relation; undefined for a new one or when the database was not consulted. */
  relation(key: string): RelationInfo | undefined;
  /** The column's type now: changed earlier in the run, else as the catalog says. */
  columnType(table: string, column: string): TypeRef | undefined;
  column(table: string, column: string): ColumnInfo | undefined;
  /** The statement runs inside a transaction (the migration's own, or an explicit BEGIN). */
  readonly inTransaction: boolean;
  readonly lockTimeoutSet: boolean;
  readonly statementTimeoutSet: boolean;
  /** The session time zone, when set by the migration or known from the database. */
  readonly timeZoneUtc: boolean;
  /** The table was ALTERed or LOCKed earlier in the current transaction, which still holds that lock. */
  lockedInTransaction(table: string): boolean;
  /** A validated CHECK (col IS NOT NULL) exists (catalog) or was validated earlier in the run. */
  notNullChecked(table: string, column: string): boolean;
}

const SEP = '\u0000';

function bare(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? key : key.slice(dot + 1);
}

export class RunState implements RunView {
  private readonly created = new Set<string>();
  private readonly createdBare = new Set<string>();
  private readonly createdUnqualified = new Set<string>();
  private readonly types = new Map<string, TypeRef>();
  private readonly checkedNotNull = new Set<string>();
  /** NOT VALID `CHECK (col IS NOT NULL)` constraints added in the run, by table and name. */
  private readonly pendingNotNull = new Map<string, string>();
  private locked = new Set<string>();
  private transactional = true;
  private explicitTransaction = false;
  private session = { lockTimeout: false, statementTimeout: false, timeZone: undefined as string | undefined };
  private local = { lockTimeout: false, statementTimeout: false, timeZone: undefined as string | undefined };

  constructor(private readonly env: LintEnvironment) {}

  /** Each migration starts with the runtime's session: its own SET commands do not carry over. */
  beginMigration(migration: MigrationToLint): void {
    this.transactional = migration.transactional;
    this.explicitTransaction = false;
    this.locked = new Set();
    this.session = { lockTimeout: false, statementTimeout: false, timeZone: undefined };
    this.local = { lockTimeout: false, statementTimeout: false, timeZone: undefined };
  }

  isNew(key: string): boolean {
    const name = bare(key);
    return key === name ? this.createdBare.has(key) : this.created.has(key) || this.createdUnqualified.has(name);
  }

  relation(key: string): RelationInfo | undefined {
    return this.isNew(key) ? undefined : this.env.relations?.get(key);
  }

  columnType(table: string, column: string): TypeRef | undefined {
    return this.types.get(`${bare(table)}${SEP}${column}`) ?? this.relation(table)?.columns[column]?.type;
  }

  column(table: string, column: string): ColumnInfo | undefined {
    return this.relation(table)?.columns[column];
  }

  get inTransaction(): boolean {
    return this.transactional || this.explicitTransaction;
  }

  get lockTimeoutSet(): boolean {
    return this.session.lockTimeout || this.local.lockTimeout;
  }

  get statementTimeoutSet(): boolean {
    return this.session.statementTimeout || this.local.statementTimeout;
  }

  get timeZoneUtc(): boolean {
    return isUtcZone(this.local.timeZone ?? this.session.timeZone ?? this.env.timeZone);
  }

  lockedInTransaction(table: string): boolean {
    return this.locked.has(bare(table));
  }

  notNullChecked(table: string, column: string): boolean {
    return this.checkedNotNull.has(`${bare(table)}${SEP}${column}`) || this.column(table, column)?.notNullChecked === true;
  }

  /** Records what a statement did, after the rules have judged it. */
  apply(kind: string, node: Node): void {
    switch (kind) {
      case 'CreateStmt':
        return this.create(relationKey(node.relation));
      case 'CreateTableAsStmt':
        return this.create(relationKey((node.into as Node | undefined)?.rel));
      case 'ViewStmt':
        return this.create(relationKey(node.view));
      case 'IndexStmt': {
        const schema = (as(node.relation, 'RangeVar') ?? (node.relation as Node | undefined))?.schemaname;
        if (typeof node.idxname === 'string') this.create(schema ? `${String(schema)}.${node.idxname}` : node.idxname);
        if (!node.concurrent) this.lock(relationKey(node.relation));
        return;
      }
      case 'RenameStmt':
        if (node.renameType === 'OBJECT_TABLE' && this.isNew(relationKey(node.relation))) this.create(String(node.newname));
        return;
      case 'AlterTableStmt':
        return this.alterTable(node);
      case 'LockStmt':
      case 'TruncateStmt':
        for (const relation of list(node.relations)) this.lock(relationKey(relation));
        return;
      case 'VariableSetStmt':
        return this.set(node);
      case 'SelectStmt':
        return this.setConfig(node);
      case 'TransactionStmt':
        return this.transaction(String(node.kind));
      default:
        return;
    }
  }

  private create(key: string): void {
    if (key === '?') return;
    this.created.add(key);
    this.createdBare.add(bare(key));
    if (key === bare(key)) this.createdUnqualified.add(key);
  }

  private lock(key: string): void {
    if (!this.isNew(key)) this.locked.add(bare(key));
  }

  private alterTable(node: Node): void {
    const table = relationKey(node.relation);
    const cmds = list(node.cmds).map((c) => as(c, 'AlterTableCmd')).filter((c): c is Node => !!c);
    if (cmds.some((cmd) => cmd.subtype !== 'AT_ValidateConstraint')) this.lock(table);
    for (const cmd of cmds) {
      const def = as(cmd.def, 'ColumnDef');
      if ((cmd.subtype === 'AT_AddColumn' && def) || cmd.subtype === 'AT_AlterColumnType') {
        const column = String(def?.colname ?? cmd.name);
        if (def?.typeName) this.types.set(`${bare(table)}${SEP}${column}`, typeFromTree(def.typeName as Node));
      }
      if (cmd.subtype === 'AT_AddConstraint') this.addedConstraint(table, as(cmd.def, 'Constraint'));
      if (cmd.subtype === 'AT_ValidateConstraint') {
        const column = this.pendingNotNull.get(`${bare(table)}${SEP}${String(cmd.name)}`);
        if (column) this.checkedNotNull.add(`${bare(table)}${SEP}${column}`);
      }
    }
  }

  private addedConstraint(table: string, constraint: Node | undefined): void {
    if (constraint?.contype !== 'CONSTR_CHECK') return;
    const column = notNullColumn(constraint.raw_expr);
    if (!column) return;
    if (constraint.skip_validation) this.pendingNotNull.set(`${bare(table)}${SEP}${String(constraint.conname)}`, column);
    else this.checkedNotNull.add(`${bare(table)}${SEP}${column}`);
  }

  private set(node: Node): void {
    const name = String(node.name ?? '').toLowerCase();
    const key = name === 'lock_timeout' ? 'lockTimeout' : name === 'statement_timeout' ? 'statementTimeout' : name === 'timezone' ? 'timeZone' : undefined;
    if (!key) return;
    const target = node.is_local ? this.local : this.session;
    // SET LOCAL outside a transaction has no effect (PostgreSQL only warns).
    if (node.is_local && !this.inTransaction) return;
    const value = node.kind === 'VAR_SET_VALUE' ? list(node.args)[0] : undefined;
    if (key === 'timeZone') target.timeZone = value === undefined ? undefined : (stringOf(value) ?? String(integerOf(value) ?? ''));
    else target[key] = value !== undefined && timeoutEnabled(value);
  }

  /** `SELECT set_config('lock_timeout', '5s', false)`, which some tools emit instead of SET. */
  private setConfig(node: Node): void {
    for (const call of collect(node, 'FuncCall')) {
      if (strings(call.funcname).pop()?.toLowerCase() !== 'set_config') continue;
      const [name, value, isLocal] = list(call.args);
      const setting = stringOf(name)?.toLowerCase();
      if (setting !== 'lock_timeout' && setting !== 'statement_timeout' && setting !== 'timezone') continue;
      const local = (as(isLocal, 'A_Const')?.boolval as { boolval?: boolean } | undefined)?.boolval === true;
      const args = [{ A_Const: as(value, 'A_Const') ?? {} }];
      this.set({ name: setting, kind: 'VAR_SET_VALUE', args, is_local: local });
    }
  }

  private transaction(kind: string): void {
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
      if (!this.transactional) this.explicitTransaction = true;
      return;
    }
    if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE') {
      if (this.transactional) return;
      this.explicitTransaction = false;
      this.locked = new Set();
      this.local = { lockTimeout: false, statementTimeout: false, timeZone: undefined };
    }
  }
}

/** `0`, `'0'`, `'0ms'` disable a timeout. */
function timeoutEnabled(value: unknown): boolean {
  const number = integerOf(value);
  if (number !== undefined) return number > 0;
  const text = stringOf(value);
  if (text === undefined) return true;
  return !/^\s*0+(\.0*)?\s*(us|ms|s|min|h|d)?\s*$/i.test(text);
}

/** `col IS NOT NULL` -> `col`. */
export function notNullColumn(expr: unknown): string | undefined {
  const test = as(expr, 'NullTest');
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = strings(as(test.arg, 'ColumnRef')?.fields);
  return fields.length === 1 ? fields[0] : undefined;
}
