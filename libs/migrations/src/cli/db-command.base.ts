import type { Command, CommanderError } from 'commander';
import { CommandRunner } from 'nest-commander';
import { closestName } from '../core/similar-name';
import { cliRun } from './cli-run';
import { CommandLineError, HelpShown } from './error-report';

/**
 * Base of every `db` command. Subcommands are built apart from the root program, so commander's exit hook
 * is set on each: a parse error becomes a {@link CommandLineError} (exit 2, reported once by the entry
 * helper) instead of commander printing it and calling process.exit(1). Arguments beyond those a command
 * declares are refused (`db stamp A B`, `db heads bogus`), not ignored.
 */
export abstract class DbCommandBase extends CommandRunner {
  override setCommand(command: Command): this {
    command.exitOverride((error) => commanderExit(error, command));
    command.allowExcessArguments(false);
    return super.setCommand(command);
  }
}

/**
 * Commander's exit, as an error the entry helper reports: help and version are not failures. `command` is
 * the one that failed to parse (absent for the root program); `dbCommands` lets the root suggest `db migrate`
 * for `migrate`.
 */
export function commanderExit(error: CommanderError, command?: Command, dbCommands: readonly string[] = []): never {
  if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) throw new HelpShown();
  const path: string[] = [];
  for (let at: Command | null | undefined = command; at?.parent; at = at.parent) path.unshift(at.name());
  const help = `\`${[cliRun().cliName, ...path, '--help'].join(' ')}\``;
  const unknown = error.code === 'commander.unknownCommand' ? /'([^']+)'/.exec(error.message)?.[1] : undefined;
  const meant = unknown && !command ? closestName(unknown, dbCommands) ?? (dbCommands.includes(unknown) ? unknown : undefined) : undefined;
  throw new CommandLineError(error.message, meant ? `Did you mean \`${cliRun().cliName} db ${meant}\`? See ${help}.` : `See ${help}.`);
}
