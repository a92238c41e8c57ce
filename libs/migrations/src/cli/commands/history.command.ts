import { SubCommand } from 'nest-commander';
import type { HistoryEntry } from '../../core/reports';
import { MigrationsService } from '../../nest/migrations.service';
import { JsonCommandBase } from '../json-command.base';
import { CliOutput } from '../output';

@SubCommand({ name: 'history', description: 'List every revision, newest first, with applied/pending/current/head marks' })
export class HistoryCommand extends JsonCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }


  async run(_: string[], options: { json?: boolean } = {}): Promise<void> {
    const out = new CliOutput();
    const entries = await this.migrations.history();
    if (options.json) return out.json(entries);
    if (!entries.length) return out.line('No migrations yet: create one with `db migrate -m "message"`.');
    out.table(entries.map((entry) => row(out, entry)));
    const applied = entries.filter((entry) => entry.applied).length;
    out.line(out.dim(`${entries.length} revisions, ${applied} applied, ${entries.length - applied} pending.`));
  }
}

function row(out: CliOutput, entry: HistoryEntry): string[] {
  const parents = entry.parents.length ? entry.parents.join(', ') : '<base>';
  const marks = [entry.head && 'head', entry.current && 'current', entry.merge && 'merge', entry.branchPoint && 'branchpoint']
    .filter(Boolean)
    .join(', ');
  const state = entry.applied ? (entry.stamped ? out.cyan('stamped') : out.green('applied')) : out.yellow('pending');
  return [
    `${parents} -> ${out.bold(entry.id)}`,
    marks ? `(${marks})` : '',
    state,
    entry.createdAt ? entry.createdAt.slice(0, 16).replace('T', ' ') : '',
    entry.message,
  ];
}
