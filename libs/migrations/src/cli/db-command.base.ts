import type { Command } from 'commander';
import { CommandRunner } from 'nest-commander';
import { CommandLineUsageError, USAGE_EXIT } from './error-report';

/**
 * Base of every `db` command. Subcommands are built apart from the root program, so commander's exit hook
 * is set on each: a bad option value ends as exit code 2 through the entry helper instead of commander
 * calling process.exit(1) on its own.
 */
export abstract class DbCommandBase extends CommandRunner {
  override setCommand(command: Command): this {
    command.exitOverride((error) => {
      const benign = error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version';
      throw new CommandLineUsageError(benign ? 0 : USAGE_EXIT, true);
    });
    return super.setCommand(command);
  }
}
