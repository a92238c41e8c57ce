import { Command } from 'nest-commander';
import { UsageError } from '../../core/errors';
import { DbCommandBase } from '../db-command.base';
import { BranchesCommand } from './branches.command';
import { CheckCommand } from './check.command';
import { CurrentCommand } from './current.command';
import { HeadsCommand } from './heads.command';
import { HistoryCommand } from './history.command';
import { LintCommand } from './lint.command';
import { MergeCommand } from './merge.command';
import { MigrateCommand } from './migrate.command';
import { ProtectCommand } from './protect.command';
import { ResetCommand } from './reset.command';
import { SeedCommand } from './seed.command';
import { RollbackCommand } from './rollback.command';
import { StampCommand } from './stamp.command';

export const DB_SUBCOMMANDS = [
  MigrateCommand,
  RollbackCommand,
  CurrentCommand,
  HistoryCommand,
  StampCommand,
  HeadsCommand,
  BranchesCommand,
  MergeCommand,
  CheckCommand,
  LintCommand,
  SeedCommand,
  ResetCommand,
  ProtectCommand,
];

@Command({ name: 'db', description: 'Database migrations', subCommands: DB_SUBCOMMANDS })
export class DbCommand extends DbCommandBase {
  async run(args: string[]): Promise<void> {
    if (args.length) {
      const names = this.command.commands.map((command) => command.name());
      throw new UsageError(`Unknown command 'db ${args[0]}'`, `Commands: ${names.join(', ')}. See \`db --help\`.`);
    }
    this.command.help();
  }
}
