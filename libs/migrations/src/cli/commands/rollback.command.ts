import { Option, SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { SqlPlanService } from '../../nest/sql-plan.service';
import { DbCommandBase } from '../db-command.base';
import { parseSteps } from '../option-parsers';
import { CliOutput } from '../output';
import { printPlanSql } from '../offline-sql';
import { describePosition } from '../position';
import { progressPrinter } from '../progress';

@SubCommand({ name: 'rollback', description: 'Revert the most recently applied migrations, newest first' })
export class RollbackCommand extends DbCommandBase {
  constructor(
    private readonly migrations: MigrationsService,
    private readonly sqlPlans: SqlPlanService,
  ) {
    super();
  }

  @Option({ flags: '-s, --steps <n>', description: 'how many migrations to revert (default: 1)' })
  parseSteps(value: string): number {
    return parseSteps(value);
  }

  @Option({ flags: '--sql', description: 'print the SQL that would run, ledger statements included, and change nothing' })
  parseSql(): boolean {
    return true;
  }

  async run(_: string[], options: { steps?: number; sql?: boolean } = {}): Promise<void> {
    const out = new CliOutput();
    if (options.sql) return printPlanSql(out, await this.sqlPlans.plan({ direction: 'down', steps: options.steps ?? 1 }));
    const report = await this.migrations.rollback({ steps: options.steps ?? 1, onStep: progressPrinter(out) });
    const at = describePosition(await this.migrations.status());
    const n = report.steps.length;
    out.line(out.green(`Reverted ${n} migration${n === 1 ? '' : 's'} in ${report.totalMs} ms; now at ${at}.`));
  }
}
