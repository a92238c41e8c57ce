import { Option, SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { DbCommandBase } from '../db-command.base';
import { parseSteps } from '../option-parsers';
import { CliOutput } from '../output';
import { progressPrinter } from '../progress';

@SubCommand({ name: 'rollback', description: 'Revert the most recently applied migrations, newest first' })
export class RollbackCommand extends DbCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  @Option({ flags: '-s, --steps <n>', description: 'how many migrations to revert (default: 1)' })
  parseSteps(value: string): number {
    return parseSteps(value);
  }

  async run(_: string[], options: { steps?: number } = {}): Promise<void> {
    const out = new CliOutput();
    const report = await this.migrations.rollback({ steps: options.steps ?? 1, onStep: progressPrinter(out) });
    const status = await this.migrations.status();
    const at = status.current.map((rev) => rev.id).join(', ') || 'base';
    const n = report.steps.length;
    out.line(out.green(`Reverted ${n} migration${n === 1 ? '' : 's'} in ${report.totalMs} ms; now at ${at}.`));
  }
}
