import type { Command as Commander } from 'commander';
import { Command } from 'nest-commander';
import { UsageError } from '../../core/errors';
import { closestName } from '../../core/similar-name';
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

/** The names of the `db` subcommands, for suggestions at the root (`migrate` -> `db migrate`). */
export function dbCommandNames(): string[] {
  return DB_SUBCOMMANDS.map((command) => (Reflect.getMetadata('CommandBuilder:Subcommand:Meta', command) as { name: string }).name);
}

@Command({ name: 'db', description: 'Database migrations', subCommands: DB_SUBCOMMANDS })
export class DbCommand extends DbCommandBase {
  /** Its first argument is a subcommand: an unknown one is reported here, with a suggestion. */
  override setCommand(command: Commander): this {
    super.setCommand(command);
    command.allowExcessArguments(true);
    return this;
  }

  async run(args: string[]): Promise<void> {
    if (args.length) {
      const names = this.command.commands.map((command) => command.name());
      const meant = closestName(args[0], names);
      throw new UsageError(
        `Unknown command 'db ${args[0]}'`,
        meant ? `Did you mean \`db ${meant}\`? See \`db --help\`.` : `Commands: ${names.join(', ')}. See \`db --help\`.`,
      );
    }
    this.command.help();
  }
}
