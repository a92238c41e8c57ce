import { Option, SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { SeedService } from '../../nest/seed.service';
import { DbCommandBase } from '../db-command.base';
import { CliOutput } from '../output';

@SubCommand({ name: 'seed', description: 'Run the registered seeders in dependency order, each in its own transaction' })
export class SeedCommand extends DbCommandBase {
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

  async run(_: string[], options: { only?: string } = {}): Promise<void> {
    const out = new CliOutput();
    out.note(out.dim(`Seeding ${this.migrations.describeTarget()}`));
    const events = await this.seeds.seed({
      only: options.only,
      onSeeder: (event) => out.note(event.outcome === 'seeded' ? `seeded ${event.seeder} (${event.ms} ms)` : out.dim(`skipped ${event.seeder}: ${event.reason}`)),
    });
    out.result({ ...this.migrations.target(), seeders: events }, () => {
      if (!events.length) return out.line('No seeders are registered: declare one with @Seeder().');
      const seeded = events.filter((event) => event.outcome === 'seeded').length;
      out.line(out.green(`Seeding done: ${seeded} ran, ${events.length - seeded} skipped.`));
    });
  }
}
