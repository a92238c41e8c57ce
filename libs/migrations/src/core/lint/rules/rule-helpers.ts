/** Readers shared by the rule families. */
import type { Node } from '../lint-model';
import type { StatementContext } from '../lint-rule';
import { as, list, relationKey, strings } from '../parse-tree';

/** The subcommands of an `ALTER TABLE`. */
export function alterCommands(node: Node): Node[] {
  return list(node.cmds)
    .map((cmd) => as(cmd, 'AlterTableCmd'))
    .filter((cmd): cmd is Node => !!cmd);
}

/** The relation key of an `ALTER TABLE` / `CREATE INDEX` ... when it already existed before the run. */
export function existingRelation(context: StatementContext, relation: unknown): string | undefined {
  const key = relationKey(relation);
  return key === '?' || context.state.isNew(key) ? undefined : key;
}

/** Object names of a `DROP` (`schema.name` as written). */
export function dropObjects(node: Node): string[] {
  return list(node.objects).map((object) => {
    const items = as(object, 'List')?.items;
    if (items) return strings(items).join('.');
    return strings([object]).join('.');
  });
}

/** Relation names a statement takes a lock on (what a lock_timeout protects), excluding what it creates. */
export function lockedRelations(kind: string, node: Node): string[] {
  const keys: string[] = [];
  const add = (relation: unknown) => relation && keys.push(relationKey(relation));
  switch (kind) {
    case 'AlterTableStmt':
    case 'IndexStmt':
    case 'ClusterStmt':
    case 'CreateTrigStmt':
    case 'RefreshMatViewStmt':
    case 'RuleStmt':
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
    case 'ReindexStmt':
    case 'RenameStmt':
      add(node.relation);
      break;
    case 'LockStmt':
    case 'TruncateStmt':
      list(node.relations).forEach(add);
      break;
    case 'VacuumStmt':
      list(node.rels).forEach((rel) => add(as(rel, 'VacuumRelation')?.relation));
      break;
    case 'DropStmt':
      if (['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_MATVIEW', 'OBJECT_VIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE'].includes(String(node.removeType))) {
        keys.push(...dropObjects(node));
      }
      break;
    case 'CreateStmt':
      // A new table that references an existing one locks it (SHARE ROW EXCLUSIVE for the foreign key),
      // as does a new partition of an existing table.
      for (const constraint of [...list(node.constraints), ...list(node.tableElts).flatMap((e) => list(as(e, 'ColumnDef')?.constraints))]) {
        add(as(constraint, 'Constraint')?.pktable);
      }
      list(node.inhRelations).forEach(add);
      break;
    default:
      break;
  }
  if (kind === 'AlterTableStmt') {
    for (const cmd of alterCommands(node)) {
      add(as(cmd.def, 'Constraint')?.pktable);
      list(as(cmd.def, 'ColumnDef')?.constraints).forEach((c) => add(as(c, 'Constraint')?.pktable));
    }
  }
  return keys.filter((key) => key !== '?');
}

/** `table.column` for messages. */
export function columnLabel(table: string, column: unknown): string {
  return `${table}.${String(column)}`;
}
