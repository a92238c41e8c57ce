import { Injectable } from '@nestjs/common';
import { MigrationRunner } from '../adapter/migration-runner';
import { inlineParams } from '../adapter/sql-names';
import { UnknownAppliedRevisionError } from '../core/errors';
import { planRollback, planUpgrade, unknownApplied } from '../core/planner';
import { resolveTarget } from '../core/resolve-revision';
import type { Step } from '../core/revision';
import type { SqlPlan } from './migration-reports';
import { MigrationsService } from './migrations.service';

export type SqlPlanRequest = { direction: 'up'; to?: string } | { direction: 'down'; steps: number };

/** Offline SQL for review before production: what a run would send, without locking or changing anything. */
@Injectable()
export class SqlPlanService {
  constructor(private readonly migrations: MigrationsService) {}

  /**
   * `db migrate --sql` / `db rollback --sql`: the SQL a run would send, ledger statements included, computed
   * from the ledger as it is now. Nothing is locked, created or changed.
   */
  async plan(request: SqlPlanRequest): Promise<SqlPlan> {
    const workspace = this.migrations.workspace();
    const { rows, exists } = await this.migrations.readLedger();
    const applied = new Set(rows.map((row) => row.id));
    let steps: Step[];
    if (request.direction === 'up') {
      const unknown = unknownApplied(workspace.graph, applied);
      if (unknown.length) throw new UnknownAppliedRevisionError(unknown);
      steps = planUpgrade(workspace.graph, applied, resolveTarget(workspace.graph, request.to ?? 'head', applied));
    } else {
      steps = planRollback(workspace.graph, rows.map((row) => row.id), request.steps);
    }
    const ledger = this.migrations.ledger;
    const runner = new MigrationRunner(this.migrations.dataSource, ledger);
    const legacy = new Set(rows.filter((row) => row.kind === 'legacy').map((row) => row.id));
    const planned: SqlPlan['steps'] = [];
    for (const step of steps) {
      const migration = workspace.migration(step.revision.id);
      const captured = await runner.preview(migration, step.direction);
      const statements = captured.map((statement) => inlineParams(statement.sql, statement.params ?? []));
      if (step.direction === 'up') {
        statements.push(ledger.insertSql(runner.entry(migration, 'applied', await runner.checksum(migration), null)));
      } else {
        statements.push(...ledger.removeSql(step.revision.id, legacy.has(step.revision.id)));
      }
      planned.push({
        direction: step.direction,
        revision: step.revision.id,
        parents: [...step.revision.parents],
        message: step.revision.message,
        transactional: new migration.migrationClass().transaction !== false,
        statements,
      });
    }
    const setup = request.direction === 'up' && !exists && planned.length ? ledger.createSql() : [];
    return { setup, steps: planned };
  }
}
