import { SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { singleTenant, TenantCommandBase, tenantSelection, type TenantFlags } from '../tenant-command.base';
import { runTenantMatrix } from '../tenant-matrix';
import { parseRevisionSpec } from '../option-parsers';
import { CliOutput } from '../output';
import { describePosition } from '../position';
import { lockWaitPrinter } from '../progress';

@SubCommand({
  name: 'stamp',
  arguments: '[revision]',
  argsDescription: { revision: 'head (default), base, an id or a unique prefix' },
  description: 'Make the ledger say REVISION without running any migration',
})
export class StampCommand extends TenantCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  async run([revision]: string[], options: TenantFlags = {}): Promise<void> {
    const out = new CliOutput();
    const spec = revision === undefined ? 'head' : parseRevisionSpec(revision);
    const tenants = tenantSelection(options);
    const one = singleTenant(tenants);
    if (one !== undefined) return this.migrations.withTenant(one, (migrations) => this.stamp(out, migrations, spec));
    if (tenants) {
      await runTenantMatrix(out, this.migrations, tenants, options, async (migrations) => {
        const report = await migrations.stamp(spec, { entrance: 'cli' });
        return { state: 'stamped', steps: report.added.length + report.removed.length };
      });
      return;
    }
    return this.stamp(out, this.migrations, spec);
  }

  private async stamp(out: CliOutput, migrations: MigrationsService, spec: string): Promise<void> {
    out.note(out.dim(`Stamping ${migrations.describeTarget()}`));
    const report = await migrations.stamp(spec, { onLockWait: lockWaitPrinter(out), entrance: 'cli' });
    const status = await migrations.status();
    const result: StampResult = { ...migrations.target(), revision: spec, ...report, current: status.current.map((rev) => rev.id), atHead: status.atHead };
    out.result(result, () => {
      if (!status.total) return out.line(out.green(`Stamped base: there are no migrations yet (${migrations.files().emptyReason()}); the ledger is ready. No migration was run.`));
      const changes = [report.added.length && `${report.added.length} marked applied`, report.removed.length && `${report.removed.length} unmarked`].filter(Boolean).join(', ');
      out.line(out.green(`Stamped ${describePosition(status)}${changes ? `: ${changes}` : ': nothing to change'}. No migration was run.`));
    });
  }
}

/** What `db stamp --json` prints (docs/json-output.md). */
export interface StampResult {
  database: string;
  schema: string;
  /** The tenant, with `--tenant NAME`. */
  tenant?: string;
  /** The revision spec given (`head` by default). */
  revision: string;
  /** Revisions marked applied, and unmarked (ledger rows removed). */
  added: string[];
  removed: string[];
  current: string[];
  atHead: boolean;
}
