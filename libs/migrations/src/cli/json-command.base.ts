import { Option } from 'nest-commander';
import { DbCommandBase } from './db-command.base';

/** Base of read commands that also print machine-readable JSON (`--json`, shapes in docs/json-output.md). */
export abstract class JsonCommandBase extends DbCommandBase {
  @Option({ flags: '--json', description: 'print machine-readable JSON' })
  parseJson(): boolean {
    return true;
  }
}
