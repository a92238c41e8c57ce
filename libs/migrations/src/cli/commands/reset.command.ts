import { Option, SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { ResetService } from '../../nest/reset.service';
import { SeedService } from '../../nest/seed.service';
import { DbCommandBase } from '../db-command.base';
import { CliOutput, plural } from '../output';
import { progressPrinter } from '../progress';

interface ResetOptions {
  force?: boolean;
  seed?: boolean;
  confirm?: string;
}

@SubCommand({ name: 'reset', description: 'Drop everything in the managed schema(s) and re-apply every migration; refuses without --force' })
export class ResetCommand extends DbCommandBase {
  constructor(
    private readonly resets: ResetService,
    private readonly seeds: SeedService,
    private readonly migrations: MigrationsService,
  ) {
    super();
  }

  @Option({ flags: '-f, --force', description: 'really drop everything' })
  parseForce(): boolean {
    return true;
  }

  @Option({ flags: '--seed', description: 'run the seeders afterwards' })
  parseSeed(): boolean {
    return true;
  }

  @Option({ flags: '--confirm <database>', description: "the database's name: required to reset a production database" })
  parseConfirm(value: string): string {
    return value;
  }

  async run(_: string[], options: ResetOptions = {}): Promise<void> {
    const out = new CliOutput();
    out.note(out.dim(`Resetting ${this.migrations.describeTarget()}`));
    const progress = progressPrinter(out);
    const report = await this.resets.reset({ force: options.force, confirm: options.confirm, onStep: progress }).finally(() => progress.end());
    out.note(out.green(`Reset: dropped ${plural(report.dropped.length, 'object')}, applied ${plural(report.migrated.steps.length, 'migration')}.`));
    const seeders = options.seed
      ? await this.seeds.seed({ onSeeder: (event) => out.note(`${event.outcome} ${event.seeder}${event.reason ? `: ${event.reason}` : ''}`) })
      : undefined;
    out.result({ ...this.migrations.target(), dropped: report.dropped, steps: report.migrated.steps, totalMs: report.migrated.totalMs, ...(seeders ? { seeders } : {}) }, () => {
      if (seeders) out.line(out.green(`Seeded: ${plural(seeders.filter((event) => event.outcome === 'seeded').length, 'seeder')}.`));
    });
  }
}
