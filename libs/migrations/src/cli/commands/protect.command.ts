import { Option, SubCommand } from 'nest-commander';
import { ResetService } from '../../nest/reset.service';
import { DbCommandBase } from '../db-command.base';
import { CliOutput } from '../output';

@SubCommand({ name: 'protect', description: 'Mark the database as production: db reset then needs --confirm <database>' })
export class ProtectCommand extends DbCommandBase {
  constructor(private readonly resets: ResetService) {
    super();
  }

  @Option({ flags: '--remove', description: 'remove the production marker' })
  parseRemove(): boolean {
    return true;
  }

  async run(_: string[], options: { remove?: boolean } = {}): Promise<void> {
    await this.resets.protect(!options.remove);
    const out = new CliOutput();
    out.result({ protected: !options.remove }, () =>
      out.line(options.remove ? 'The database is no longer marked as production.' : 'The database is marked as production.'),
    );
  }
}
