import { SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { JsonCommandBase } from '../json-command.base';
import { CliOutput } from '../output';

@SubCommand({ name: 'branches', description: 'Show the revisions where history branches, and their branches' })
export class BranchesCommand extends JsonCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  async run(_: string[], options: { json?: boolean } = {}): Promise<void> {
    const out = new CliOutput();
    const branches = this.migrations.branches();
    if (out.jsonMode) return out.json(branches);
    if (!branches.length) return out.line('No branch points: history is linear.');
    for (const point of branches) {
      out.line(`${out.bold(point.id)} (branchpoint)  ${point.message}`);
      out.table(point.children.map((child) => [`-> ${child.id}`, child.head ? '(head)' : '', child.message]), '    ');
    }
  }
}
