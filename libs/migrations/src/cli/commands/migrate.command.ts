import { Option, SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { DbCommandBase } from '../db-command.base';
import { parseRevisionSpec } from '../option-parsers';
import { CliOutput } from '../output';
import { progressPrinter } from '../progress';

interface MigrateOptions {
  to?: string;
}

@SubCommand({ name: 'migrate', description: 'Apply every pending migration, in order, one transaction each' })
export class MigrateCommand extends DbCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  @Option({ flags: '--to <revision>', description: 'stop at this revision (id, unique prefix, head, +N)' })
  parseTo(value: string): string {
    return parseRevisionSpec(value);
  }

  async run(_: string[], options: MigrateOptions = {}): Promise<void> {
    const out = new CliOutput();
    const report = await this.migrations.upgrade({ to: options.to, onStep: progressPrinter(out) });
    const status = await this.migrations.status();
    const at = status.current.map((rev) => rev.id).join(', ') || 'base';
    if (!report.steps.length) {
      out.line(`Nothing to apply: the database is at ${at}${status.atHead ? ' (head)' : ''}.`);
      return;
    }
    const n = report.steps.length;
    out.line(out.green(`Applied ${n} migration${n === 1 ? '' : 's'} in ${report.totalMs} ms; now at ${at}${status.atHead ? ' (head)' : ''}.`));
  }
}
