import { SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { JsonCommandBase } from '../json-command.base';
import { CliOutput } from '../output';

@SubCommand({ name: 'heads', description: 'List the head revisions of the migration graph' })
export class HeadsCommand extends JsonCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  async run(_: string[], options: { json?: boolean } = {}): Promise<void> {
    const out = new CliOutput();
    const heads = this.migrations.heads();
    if (out.jsonMode) return out.json(heads);
    if (!heads.length) return out.line(`No migrations yet: ${this.migrations.files().emptyReason()}.`);
    out.table(heads.map((head) => [out.bold(head.id), '(head)', head.message]));
    if (heads.length > 1) out.line(out.yellow(`${heads.length} heads: merge them with \`db merge ${heads.map((h) => h.id).join(' ')}\`.`));
  }
}
