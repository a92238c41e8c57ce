import { Option, SubCommand } from 'nest-commander';
import { describeDrift } from '../../core/catalog/schema-drift';
import { MigrationGenerator, type CheckReport } from '../../nest/migration-generator.service';
import type { DriftReport } from '../../nest/schema-drift.service';
import { JsonCommandBase } from '../json-command.base';
import { CliOutput } from '../output';

/** Exit code of `db check` when entities, migrations and the live database differ: the operation (the check) failed. */
const DIFFERS = 1;

@SubCommand({
  name: 'check',
  description:
    'Exit 1 when the entities and the migrations differ, an entity file is not registered, or the live database differs from what its applied migrations build (for CI)',
})
export class CheckCommand extends JsonCommandBase {
  constructor(private readonly generator: MigrationGenerator) {
    super();
  }

  @Option({ flags: '--entities-only', description: 'compare the entities with the migrations only, not the live database' })
  parseEntitiesOnly(): boolean {
    return true;
  }

  async run(_: string[], options: { entitiesOnly?: boolean } = {}): Promise<void> {
    const out = new CliOutput();
    const report = await this.generator.check({ entitiesOnly: options.entitiesOnly === true });
    if (!report.inSync) process.exitCode = DIFFERS;
    if (out.jsonMode) return out.json(report);
    printEntities(out, report);
    printDrift(out, report.drift);
  }
}

function printEntities(out: CliOutput, report: CheckReport): void {
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
  if (!report.differences.length && !report.unregistered.length) out.line(out.green('Entities and migrations are in sync.'));
}

function printDrift(out: CliOutput, drift: DriftReport): void {
  const pending = drift.pending ?? [];
  if (pending.length) {
    out.line(out.yellow(`${pending.length} migration(s) pending (not drift): the live database was compared with its ${drift.applied} applied migration(s); \`db migrate\` applies the rest.`));
  }
  if (drift.skipped === 'unknown-revisions') {
    out.line(out.yellow(`Drift not checked: the live database has revisions the code does not know (${(drift.unknown ?? []).join(', ')}); check with the code that applied them.`));
  }
  if (!drift.checked) return;
  if (!drift.differences.length) return out.line(out.green('The live database matches its applied migrations.'));
  out.line(out.red(`The live database differs from what its applied migrations build (${drift.differences.length} object(s), changed by hand?):`));
  for (const item of drift.differences) out.line(`  ${describeDrift(item)}`);
  out.line('Undo each change in the database, or make it part of the history: change the entities and generate a migration (`db migrate -m "message"`). `--entities-only` skips this comparison.');
}
