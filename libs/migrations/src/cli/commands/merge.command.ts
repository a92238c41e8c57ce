import { displayPath } from '../../adapter/files/folder';
import { Option, SubCommand } from 'nest-commander';
import { MigrationGenerator } from '../../nest/migration-generator.service';
import { DbCommandBase } from '../db-command.base';
import { nextStep } from '../next-step';
import { CliOutput } from '../output';

@SubCommand({
  name: 'merge',
  arguments: '[revisions...]',
  argsDescription: { revisions: 'revisions to merge (default: every head)' },
  description: 'Write a merge revision whose parents are the given revisions, joining branches into one head',
})
export class MergeCommand extends DbCommandBase {
  constructor(private readonly generator: MigrationGenerator) {
    super();
  }

  @Option({ flags: '-m, --message <text>', description: 'message of the merge revision' })
  parseMessage(value: string): string {
    return value;
  }

  async run(revisions: string[], options: { message?: string } = {}): Promise<void> {
    const out = new CliOutput();
    const merged = await this.generator.merge(options.message, revisions);
    const file = displayPath(merged.file);
    out.result({ id: merged.id, parents: merged.parents, file }, () => {
      out.line(out.green(`Generated merge revision ${merged.id} of ${merged.parents.join(', ')}: ${file}`));
      out.line(nextStep(this.generator.buildStep(), this.generator.migrationsDir));
    });
  }
}
