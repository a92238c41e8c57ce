import { relative } from 'node:path';
import { Option, SubCommand } from 'nest-commander';
import { UsageError } from '../../core/errors';
import { describeRename, parseRenameSpec, type Rename } from '../../core/rename-candidates';
import { MigrationGenerator, renameFlag } from '../../nest/migration-generator.service';
import { MigrationsService } from '../../nest/migrations.service';
import { SqlPlanService } from '../../nest/sql-plan.service';
import { DbCommandBase } from '../db-command.base';
import { printPlanSql } from '../offline-sql';
import { parseRevisionSpec } from '../option-parsers';
import { CliOutput } from '../output';
import { describePosition } from '../position';
import { progressPrinter } from '../progress';
import { canPrompt, confirm } from '../prompt';

interface MigrateOptions {
  to?: string;
  message?: string;
  empty?: boolean;
  rename?: Rename[];
  allowUnregistered?: boolean;
  sql?: boolean;
  singleTransaction?: boolean;
}

@SubCommand({
  name: 'migrate',
  description: 'Apply every pending migration, in order, one transaction each; with -m, generate a new migration',
})
export class MigrateCommand extends DbCommandBase {
  constructor(
    private readonly migrations: MigrationsService,
    private readonly generator: MigrationGenerator,
    private readonly sqlPlans: SqlPlanService,
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

  @Option({ flags: '--sql', description: 'print the SQL that would run, ledger statements included, and change nothing' })
  parseSql(): boolean {
    return true;
  }

  async run(_: string[], options: MigrateOptions = {}): Promise<void> {
    const out = new CliOutput();
    if (options.message !== undefined) return this.generate(out, options);
    if (options.empty || options.rename || options.allowUnregistered) {
      throw new UsageError('--empty, --rename and --allow-unregistered go with -m "message"');
    }
    if (options.sql) return printPlanSql(out, await this.sqlPlans.plan({ direction: 'up', to: options.to }));
    const report = await this.migrations.upgrade({ to: options.to, onStep: progressPrinter(out), singleTransaction: options.singleTransaction });
    const at = describePosition(await this.migrations.status());
    if (!report.steps.length) {
      out.line(`Nothing to apply: the database is at ${at}.`);
      return;
    }
    const n = report.steps.length;
    out.line(out.green(`Applied ${n} migration${n === 1 ? '' : 's'} in ${report.totalMs} ms; now at ${at}.`));
  }

  private async generate(out: CliOutput, options: MigrateOptions): Promise<void> {
    if (options.sql || options.to) throw new UsageError('-m generates a migration: it does not take --sql or --to');
    const interactive = canPrompt();
    const report = await this.generator.generate({
      message: options.message ?? '',
      empty: options.empty,
      renames: options.rename,
      allowUnregistered: options.allowUnregistered,
      confirm: interactive ? (rename) => confirm(`Is this a rename: ${describeRename(rename)}?`) : undefined,
    });
    if (!report.file) {
      out.line('No changes detected: the entities match the migrations. Nothing was written.');
      return;
    }
    for (const rename of report.unresolvedRenames) {
      out.error(
        out.yellow(
          `warning: ${describeRename(rename)} looks like a rename; it was generated as drop + add, which loses the data. ` +
            `To keep it, delete the file and run again with --rename ${renameFlag(rename)}`,
        ),
      );
    }
    const path = relative(process.cwd(), report.file) || report.file;
    const what = options.empty ? 'blank migration' : `migration (${report.statements} statement${report.statements === 1 ? '' : 's'})`;
    out.line(out.green(`Generated ${what} ${report.id}: ${path}`));
    if (report.destructive) out.line(out.yellow(`${report.destructive} statement(s) drop or convert data: they are marked DESTRUCTIVE in the file.`));
    for (const { finding, allow } of report.refused) {
      out.error(out.yellow(`warning: the safety checks will refuse this migration: ${finding.rule ?? finding.check}: ${finding.message}. Once reviewed, ${allow}.`));
    }
    out.line('Review it, build (`npm run build`), then apply it with `db migrate`.');
  }
}
