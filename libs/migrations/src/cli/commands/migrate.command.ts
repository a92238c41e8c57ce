import { Option, SubCommand } from 'nest-commander';
import { UsageError } from '../../core/errors';
import { parseRenameSpec, type Rename } from '../../core/rename-candidates';
import { MigrationGenerator } from '../../nest/migration-generator.service';
import { MigrationsService } from '../../nest/migrations.service';
import { singleTenant, TenantCommandBase, tenantSelection, type TenantFlags } from '../tenant-command.base';
import { runTenantMatrix } from '../tenant-matrix';
import { generateMigration } from '../generate';
import { printPlanSql } from '../offline-sql';
import { parseRevisionSpec } from '../option-parsers';
import { CliOutput, plural } from '../output';
import { runResult } from '../position';
import { lockWaitPrinter, policyWarningPrinter, progressPrinter, refusalPrinter } from '../progress';

export interface MigrateOptions extends TenantFlags {
  to?: string;
  message?: string;
  empty?: boolean;
  rename?: Rename[];
  allowUnregistered?: boolean;
  sql?: boolean;
  singleTransaction?: boolean;
  dryRun?: boolean;
  allowDestructive?: boolean;
  acceptEdited?: boolean;
}

@SubCommand({
  name: 'migrate',
  description: 'Apply every pending migration, in order, one transaction each; with -m, generate a new migration',
})
export class MigrateCommand extends TenantCommandBase {
  constructor(
    private readonly migrations: MigrationsService,
    private readonly generator: MigrationGenerator,
  ) {
    super();
  }

  @Option({ flags: '--to <revision>', description: 'stop at this revision (id, unique prefix, head, heads, +N)' })
  parseTo(value: string): string {
    return parseRevisionSpec(value);
  }

  @Option({ flags: '-m, --message <text>', description: 'generate a migration from the entities, with this message' })
  parseMessage(value: string): string {
    return value;
  }

  @Option({ flags: '--empty', description: 'with -m: write a blank migration (for data migrations)' })
  parseEmpty(): boolean {
    return true;
  }

  @Option({
    flags: '--rename <spec>',
    description: 'with -m: generate a rename instead of drop + add: table.old:new (column) or old_table:new_table; repeatable',
  })
  parseRename(value: string, previous: Rename[] = []): Rename[] {
    try {
      return [...previous, parseRenameSpec(value)];
    } catch (error) {
      throw new UsageError(`--rename ${(error as Error).message}`);
    }
  }

  @Option({ flags: '--allow-unregistered', description: 'with -m: generate even if some entity files are not registered' })
  parseAllowUnregistered(): boolean {
    return true;
  }

  @Option({ flags: '--single-transaction', description: 'apply all pending migrations in one transaction: all or nothing' })
  parseSingleTransaction(): boolean {
    return true;
  }

  @Option({ flags: '--dry-run', description: 'run the pending migrations in one transaction, then roll it back: nothing changes' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--allow-destructive', description: 'accept blocking destructive findings (drops, type changes) for this run' })
  parseAllowDestructive(): boolean {
    return true;
  }

  @Option({ flags: '--accept-edited', description: 'go on although applied migrations were edited since they ran' })
  parseAcceptEdited(): boolean {
    return true;
  }

  @Option({ flags: '--sql', description: 'print the SQL that would run, ledger statements included, and change nothing' })
  parseSql(): boolean {
    return true;
  }

  async run(_: string[], options: MigrateOptions = {}): Promise<void> {
    const out = new CliOutput();
    const tenants = tenantSelection(options);
    if (options.message !== undefined && tenants) throw new UsageError('-m writes one migration file for every tenant: it does not take --tenant or --all-tenants');
    if (options.message !== undefined) return generateMigration(out, this.generator, options);
    if (options.empty || options.rename || options.allowUnregistered) {
      throw new UsageError('--empty, --rename and --allow-unregistered go with -m "message"');
    }
    if (options.sql && (options.dryRun || options.singleTransaction)) throw new UsageError('--sql prints the SQL and runs nothing: it does not take --dry-run or --single-transaction');
    const one = singleTenant(tenants);
    if (one !== undefined) return this.migrations.withTenant(one, (migrations) => this.apply(out, migrations, options));
    if (tenants && options.sql) throw new UsageError('--sql prints the SQL of one database: give one --tenant NAME');
    if (tenants) {
      await runTenantMatrix(out, this.migrations, tenants, options, async (migrations) => {
        const report = await migrations.upgrade({
          to: options.to,
          mode: options.dryRun ? 'dry-run' : 'apply',
          singleTransaction: options.singleTransaction,
          policy: { entrance: 'cli', allowDestructive: options.allowDestructive, acceptEdited: options.acceptEdited, onWarning: policyWarningPrinter(out, migrations.tenant) },
        });
        return { state: options.dryRun ? undefined : 'migrated', steps: options.dryRun ? 0 : report.steps.length };
      });
      return;
    }
    return this.apply(out, this.migrations, options);
  }

  private async apply(out: CliOutput, migrations: MigrationsService, options: MigrateOptions): Promise<void> {
    if (options.sql) return out.result(await migrations.sql({ direction: 'up', to: options.to }), (plan) => printPlanSql(out, plan));
    out.note(out.dim(`${options.dryRun ? 'Dry run on' : 'Migrating'} ${migrations.describeTarget()}`));
    const progress = progressPrinter(out);
    const report = await migrations.upgrade({
      to: options.to,
      mode: options.dryRun ? 'dry-run' : 'apply',
      singleTransaction: options.singleTransaction,
      policy: { entrance: 'cli', allowDestructive: options.allowDestructive, acceptEdited: options.acceptEdited, onWarning: policyWarningPrinter(out), onRefusal: refusalPrinter(out) },
      onStep: progress,
      onLockWait: lockWaitPrinter(out),
      onLockRetry: ({ revision, retry, retries, pauseMs }) =>
        out.error(out.yellow(`warning: ${revision} waited longer than lock_timeout for a table lock and was rolled back: retry ${retry}/${retries} in ${pauseMs} ms`)),
    }).finally(() => progress.end());
    const { result, at } = await runResult(migrations, report, !!options.dryRun);
    out.result(result, () => {
      const n = plural(report.steps.length, 'migration');
      const empty = migrations.files().emptyReason();
      if (!report.steps.length) return out.line(empty ? `Nothing to apply: there are no migrations (${empty}).` : `Nothing to apply: the database is at ${at}.`);
      if (options.dryRun) {
        return out.line(out.green(`Dry run: ${n} ran and ${report.steps.length === 1 ? 'was' : 'were'} rolled back in ${report.totalMs} ms; the database is unchanged, at ${at}.`));
      }
      out.line(out.green(`Applied ${n} in ${report.totalMs} ms; now at ${at}.`));
    });
  }
}
