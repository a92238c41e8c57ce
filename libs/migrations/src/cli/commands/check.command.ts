import { SubCommand } from 'nest-commander';
import { MigrationGenerator } from '../../nest/migration-generator.service';
import { JsonCommandBase } from '../json-command.base';
import { CliOutput } from '../output';

/** Exit code of `db check` when entities and migrations differ: the operation (the check) failed. */
const DIFFERS = 1;

@SubCommand({
  name: 'check',
  description: 'Exit 1 when the entities and the migrations differ, or an entity file is not registered (for CI)',
})
export class CheckCommand extends JsonCommandBase {
  constructor(private readonly generator: MigrationGenerator) {
    super();
  }

  async run(_: string[], options: { json?: boolean } = {}): Promise<void> {
    const out = new CliOutput();
    const report = await this.generator.check();
    if (!report.inSync) process.exitCode = DIFFERS;
    if (out.jsonMode) return out.json(report);
    for (const entity of report.unregistered) {
      out.line(out.red(`unregistered: ${entity.className} in ${entity.file} is declared as an entity, but no loaded module imports it`));
    }
    if (report.differences.length) {
      out.line(out.red(`Entities and migrations differ: a migration would need ${report.differences.length} statement(s):`));
      for (const sql of report.differences) out.line(`  ${sql}`);
      out.line('Generate it with `db migrate -m "message"`.');
    }
    if (report.unregistered.some((entity) => entity.decorator !== 'MigrationEntity')) {
      out.line('Declare them with @MigrationEntity() instead of @Entity() so they register themselves, or import each from a module (TypeOrmModule.forFeature([Entity])).');
    } else if (report.unregistered.length) {
      out.line('Import each unregistered entity file from a module.');
    }
    if (report.inSync) out.line(out.green('Entities and migrations are in sync.'));
  }
}
