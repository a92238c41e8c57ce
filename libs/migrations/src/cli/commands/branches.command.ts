import { Option, SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { DbCommandBase } from '../db-command.base';
import { CliOutput } from '../output';

@SubCommand({ name: 'branches', description: 'Show the revisions where history branches, and their branches' })
export class BranchesCommand extends DbCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  @Option({ flags: '--json', description: 'print machine-readable JSON' })
  parseJson(): boolean {
    return true;
  }

  async run(_: string[], options: { json?: boolean } = {}): Promise<void> {
    const out = new CliOutput();
    const branches = this.migrations.branches();
    if (options.json) return out.json(branches);
    if (!branches.length) return out.line('No branch points: history is linear.');
    for (const point of branches) {
      out.line(`${out.bold(point.id)} (branchpoint)  ${point.message}`);
      out.table(point.children.map((child) => [`-> ${child.id}`, child.head ? '(head)' : '', child.message]), '    ');
    }
  }
}
