import { Option, SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { SeedService } from '../../nest/seed.service';
import { singleTenant, TenantCommandBase, tenantSelection, type TenantFlags } from '../tenant-command.base';
import { runTenantMatrix } from '../tenant-matrix';
import { CliOutput } from '../output';

@SubCommand({ name: 'seed', description: 'Run the registered seeders in dependency order, each in its own transaction' })
export class SeedCommand extends TenantCommandBase {
  constructor(
    private readonly seeds: SeedService,
    private readonly migrations: MigrationsService,
  ) {
    super();
  }

  @Option({ flags: '--only <name>', description: 'run only this seeder' })
  parseOnly(value: string): string {
    return value;
  }

  async run(_: string[], options: { only?: string } & TenantFlags = {}): Promise<void> {
    const out = new CliOutput();
    const tenants = tenantSelection(options);
    const one = singleTenant(tenants);
    if (one !== undefined) return this.migrations.withTenant(one, (migrations) => this.seed(out, migrations, options));
    if (tenants) {
      await runTenantMatrix(out, this.migrations, tenants, options, async (migrations) => {
        const events = await this.seeds.seed({ only: options.only, migrations });
        return { state: 'seeded', steps: events.filter((event) => event.outcome === 'seeded').length };
      });
      return;
    }
    return this.seed(out, this.migrations, options);
  }

  private async seed(out: CliOutput, migrations: MigrationsService, options: { only?: string }): Promise<void> {
    out.note(out.dim(`Seeding ${migrations.describeTarget()}`));
    const events = await this.seeds.seed({
      migrations,
      only: options.only,
      onSeeder: (event) => out.note(event.outcome === 'seeded' ? `seeded ${event.seeder} (${event.ms} ms)` : out.dim(`skipped ${event.seeder}: ${event.reason}`)),
    });
    out.result({ ...migrations.target(), seeders: events }, () => {
      if (!events.length) return out.line('No seeders are registered: declare one with @Seeder().');
      const seeded = events.filter((event) => event.outcome === 'seeded').length;
      out.line(out.green(`Seeding done: ${seeded} ran, ${events.length - seeded} skipped.`));
    });
  }
}
