import { DB_SUBCOMMANDS, DbCommand } from './commands/db.command';

/** Every command provider the module registers. */
export const CLI_COMMANDS = [DbCommand, ...DB_SUBCOMMANDS];
