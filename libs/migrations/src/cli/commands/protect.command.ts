import { Option, SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { ResetService } from '../../nest/reset.service';
import { DbCommandBase } from '../db-command.base';
import { CliOutput } from '../output';

@SubCommand({ name: 'protect', description: 'Mark the database as production: db reset then needs --confirm <database>' })
export class ProtectCommand extends DbCommandBase {
  constructor(
    private readonly resets: ResetService,
    private readonly migrations: MigrationsService,
  ) {
    super();
  }

  @Option({ flags: '--remove', description: 'remove the production marker' })
  parseRemove(): boolean {
    return true;
  }

  async run(_: string[], options: { remove?: boolean } = {}): Promise<void> {
    const out = new CliOutput();
    out.note(out.dim(`${options.remove ? 'Unprotecting' : 'Protecting'} ${this.migrations.describeDatabase()}`));
    await this.resets.protect(!options.remove);
    out.result({ database: this.migrations.describeDatabase(), protected: !options.remove }, () =>
      out.line(options.remove ? 'The database is no longer marked as production.' : 'The database is marked as production.'),
    );
  }
}
