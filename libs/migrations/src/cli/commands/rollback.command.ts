import { Option, SubCommand } from 'nest-commander';
import { UsageError } from '../../core/errors';
import { MigrationsService } from '../../nest/migrations.service';
import { DbCommandBase } from '../db-command.base';
import { parseRevisionSpec, parseSteps } from '../option-parsers';
import { CliOutput, plural } from '../output';
import { printPlanSql } from '../offline-sql';
import { runResult } from '../position';
import { lockWaitPrinter, progressPrinter } from '../progress';

interface RollbackOptions {
  steps?: number;
  to?: string;
  sql?: boolean;
  dryRun?: boolean;
}

@SubCommand({ name: 'rollback', description: 'Revert the most recently applied migrations (or down to a revision), newest first' })
export class RollbackCommand extends DbCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  @Option({ flags: '-s, --steps <n>', description: 'how many migrations to revert (default: 1)' })
  parseSteps(value: string): number {
    return parseSteps(value);
  }

  @Option({ flags: '--to <revision>', description: 'revert everything applied after this revision; `base` reverts all' })
  parseTo(value: string): string {
    return parseRevisionSpec(value);
  }

  @Option({ flags: '--dry-run', description: 'revert in one transaction, then roll it back: nothing changes' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--sql', description: 'print the SQL that would run, ledger statements included, and change nothing' })
  parseSql(): boolean {
    return true;
  }

  async run(_: string[], options: RollbackOptions = {}): Promise<void> {
    const out = new CliOutput();
    if (options.steps !== undefined && options.to !== undefined) throw new UsageError('Give either -s/--steps or --to, not both');
    if (options.sql && options.dryRun) throw new UsageError('--sql prints the SQL and runs nothing: it does not take --dry-run');
    if (options.sql) return out.result(await this.migrations.sql({ direction: 'down', steps: options.steps, to: options.to }), (plan) => printPlanSql(out, plan));
    out.note(out.dim(`${options.dryRun ? 'Dry run on' : 'Rolling back'} ${this.migrations.describeTarget()}`));
    const progress = progressPrinter(out);
    const report = await this.migrations.rollback({
      steps: options.steps,
      to: options.to,
      mode: options.dryRun ? 'dry-run' : 'apply',
      entrance: 'cli',
      onStep: progress,
      onLockWait: lockWaitPrinter(out),
    }).finally(() => progress.end());
    const { result, at } = await runResult(this.migrations, report, !!options.dryRun);
    out.result(result, () => {
      const n = plural(report.steps.length, 'migration');
      if (!report.steps.length) return out.line(`Nothing to revert: the database is at ${at}.`);
      if (options.dryRun) return out.line(out.green(`Dry run: ${n} reverted and rolled back in ${report.totalMs} ms; the database is unchanged, at ${at}.`));
      out.line(out.green(`Reverted ${n} in ${report.totalMs} ms; now at ${at}.`));
    });
  }
}
