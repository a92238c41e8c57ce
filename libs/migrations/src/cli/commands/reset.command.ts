import { Option, SubCommand } from 'nest-commander';
import { ResetService } from '../../nest/reset.service';
import { SeedService } from '../../nest/seed.service';
import { DbCommandBase } from '../db-command.base';
import { CliOutput } from '../output';
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
    const report = await this.resets.reset({ force: options.force, confirm: options.confirm, onStep: progressPrinter(out) });
    out.line(out.green(`Reset: dropped ${report.dropped.length} object(s), applied ${report.migrated.steps.length} migration(s).`));
    if (options.seed) {
      const events = await this.seeds.seed({ onSeeder: (event) => out.line(`${event.outcome} ${event.seeder}${event.reason ? `: ${event.reason}` : ''}`) });
      out.line(out.green(`Seeded: ${events.filter((event) => event.outcome === 'seeded').length} seeder(s).`));
    }
  }
}
