import { Option, SubCommand } from 'nest-commander';
import { UsageError } from '../../core/errors';
import { MigrationsService } from '../../nest/migrations.service';
import { singleTenant, TenantCommandBase, tenantSelection, type TenantFlags } from '../tenant-command.base';
import { runTenantMatrix } from '../tenant-matrix';
import { parseRevisionSpec, parseSteps } from '../option-parsers';
import { CliOutput, plural } from '../output';
import { printPlanSql } from '../offline-sql';
import { runResult } from '../position';
import { lockWaitPrinter, progressPrinter } from '../progress';

interface RollbackOptions extends TenantFlags {
  steps?: number;
  to?: string;
  sql?: boolean;
  dryRun?: boolean;
}

@SubCommand({ name: 'rollback', description: 'Revert the most recently applied migrations (or down to a revision), newest first' })
export class RollbackCommand extends TenantCommandBase {
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
    const tenants = tenantSelection(options);
    const one = singleTenant(tenants);
    if (one !== undefined) return this.migrations.withTenant(one, (migrations) => this.revert(out, migrations, options));
    if (tenants && options.sql) throw new UsageError('--sql prints the SQL of one database: give one --tenant NAME');
    if (tenants) {
      await runTenantMatrix(out, this.migrations, tenants, options, async (migrations) => {
        const report = await migrations.rollback({ steps: options.steps, to: options.to, mode: options.dryRun ? 'dry-run' : 'apply', entrance: 'cli' });
        return { state: options.dryRun ? undefined : 'reverted', steps: options.dryRun ? 0 : report.steps.length };
      });
      return;
    }
    return this.revert(out, this.migrations, options);
  }

  private async revert(out: CliOutput, migrations: MigrationsService, options: RollbackOptions): Promise<void> {
    if (options.sql) return out.result(await migrations.sql({ direction: 'down', steps: options.steps, to: options.to }), (plan) => printPlanSql(out, plan));
    out.note(out.dim(`${options.dryRun ? 'Dry run on' : 'Rolling back'} ${migrations.describeTarget()}`));
    const progress = progressPrinter(out);
    const report = await migrations.rollback({
      steps: options.steps,
      to: options.to,
      mode: options.dryRun ? 'dry-run' : 'apply',
      entrance: 'cli',
      onStep: progress,
      onLockWait: lockWaitPrinter(out),
    }).finally(() => progress.end());
    const { result, at } = await runResult(migrations, report, !!options.dryRun);
    out.result(result, () => {
      const n = plural(report.steps.length, 'migration');
      if (!report.steps.length) return out.line(`Nothing to revert: the database is at ${at}.`);
      if (options.dryRun) return out.line(out.green(`Dry run: ${n} reverted and rolled back in ${report.totalMs} ms; the database is unchanged, at ${at}.`));
      out.line(out.green(`Reverted ${n} in ${report.totalMs} ms; now at ${at}.`));
    });
  }
}
