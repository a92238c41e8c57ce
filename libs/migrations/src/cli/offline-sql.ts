import type { SqlPlan } from '../core/reports';
import type { CliOutput } from './output';

/** Prints a plan as a SQL script someone can review, or feed to psql: one transaction per migration. */
export function printPlanSql(out: CliOutput, plan: SqlPlan): void {
  if (!plan.steps.length) {
    out.line('-- Nothing to run: the database is already there.');
    return;
  }
  const session = plan.setup.filter((sql) => sql.startsWith('SET search_path'));
  const ledger = plan.setup.filter((sql) => !session.includes(sql));
  if (session.length) {
    out.line("-- In the tenant's schema");
    for (const sql of session) out.line(`${sql};`);
    out.line();
  }
  if (ledger.length) {
    out.line('-- Create the ledger');
    for (const sql of ledger) out.line(`${sql};`);
    out.line();
  }
  for (const step of plan.steps) {
    const from = step.parents.length ? step.parents.join(', ') : '<base>';
    const arrow = step.direction === 'up' ? `${from} -> ${step.revision}` : `${step.revision} -> ${from}`;
    out.line(`-- Running ${step.direction === 'up' ? 'upgrade' : 'downgrade'} ${arrow}, ${step.message}`);
    if (step.transactional) out.line('BEGIN;');
    else out.line('-- (runs outside a transaction: transaction = false)');
    for (const sql of step.statements) out.line(`${sql.trimEnd().replace(/;$/, '')};`);
    if (step.transactional) out.line('COMMIT;');
    out.line();
  }
}
