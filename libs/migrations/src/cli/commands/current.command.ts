import { SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { singleTenant, TenantCommandBase, tenantSelection, type TenantFlags } from '../tenant-command.base';
import { runTenantMatrix } from '../tenant-matrix';
import { CliOutput } from '../output';

interface CurrentOptions extends TenantFlags {
  json?: boolean;
}

@SubCommand({ name: 'current', description: 'Show the revision(s) the database is at, and what is pending' })
export class CurrentCommand extends TenantCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  async run(_: string[], options: CurrentOptions = {}): Promise<void> {
    const out = new CliOutput();
    const tenants = tenantSelection(options);
    const one = singleTenant(tenants);
    if (one !== undefined) return this.migrations.withTenant(one, (migrations) => this.show(out, migrations));
    // Read-only: the matrix's state is where each tenant is; exit 1 when one failed or is not at head.
    if (tenants) return void (await runTenantMatrix(out, this.migrations, tenants, options, async () => ({}), true));
    return this.show(out, this.migrations);
  }

  private async show(out: CliOutput, migrations: MigrationsService): Promise<void> {
    const state = await migrations.state();
    const status = await migrations.status(state);
    const edited = await migrations.edited(state);
    if (out.jsonMode) return out.json({ ...status, edited, ...(migrations.tenant !== undefined ? { tenant: migrations.tenant } : {}) });
    if (migrations.tenant !== undefined) out.line(out.dim(`Tenant: ${migrations.tenant} (schema ${migrations.target().schema})`));
    out.line(out.dim(`Database: ${status.database}`));
    if (!status.current.length && !status.unknown.length) out.line('Current revision: base (nothing applied)');
    const heads = new Set(status.heads);
    out.table(
      status.current.map((rev) => [out.bold(rev.id), heads.has(rev.id) ? out.green('(head)') : '', rev.message]),
    );
    for (const id of status.unknown) {
      out.line(`${out.red(id)}  ${out.red("(unknown: applied in the database, but no migration file has it)")}`);
    }
    for (const id of edited) {
      out.line(out.red(`${id}  (edited: its SQL changed since it was applied; put changes in a new migration)`));
    }
    const empty = migrations.files().emptyReason();
    if (status.unknown.length && empty) {
      out.line(out.yellow(`No migration files were found (${empty}): check migrationsDir and that the build compiles the migrations.`));
    } else if (status.unknown.length) {
      out.line(out.yellow(`Can't locate revision identified by '${status.unknown[0]}': deploy the code that has it, or \`db stamp <revision>\`.`));
    } else if (status.atHead) {
      out.line(out.green(status.total ? 'Database is up to date.' : `No migrations yet: ${migrations.files().emptyReason()}.`));
    } else {
      const n = status.pending.length;
      out.line(out.yellow(`${n} pending migration${n === 1 ? '' : 's'}: run \`db migrate\` to apply ${n === 1 ? 'it' : 'them'}.`));
    }
    if (status.heads.length > 1) {
      out.line(out.yellow(`The code has ${status.heads.length} heads (${status.heads.join(', ')}): merge them with \`db merge\`.`));
    }
  }
}
