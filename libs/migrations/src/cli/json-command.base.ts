import { DbCommandBase } from './db-command.base';

/**
 * Base of the commands whose JSON shape was documented first. `--json` is a global option now (every
 * command takes it, see cli-run.ts); this class stays so that those commands read as before.
 */
export abstract class JsonCommandBase extends DbCommandBase {}
