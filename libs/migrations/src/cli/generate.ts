import { displayPath } from '../adapter/files/folder';
import { UsageError } from '../core/errors';
import { describeRename, type Rename } from '../core/rename-candidates';
import { renameFlag, type MigrationGenerator } from '../nest/migration-generator.service';
import { nextStep } from './next-step';
import { plural, type CliOutput } from './output';
import { canPrompt, confirm } from './prompt';

/** `db migrate -m MSG` and its generate-only options. */
export async function generateMigration(
  out: CliOutput,
  generator: MigrationGenerator,
  options: { message?: string; empty?: boolean; rename?: Rename[]; allowUnregistered?: boolean; sql?: boolean; to?: string; dryRun?: boolean; singleTransaction?: boolean; allowDestructive?: boolean; acceptEdited?: boolean },
): Promise<void> {
  const applyOnly = (['sql', 'to', 'dryRun', 'singleTransaction', 'allowDestructive', 'acceptEdited'] as const).filter((key) => options[key] !== undefined);
  if (applyOnly.length) {
    const flags = applyOnly.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(`-m generates a migration: it does not take ${flags.join(', ')}`);
  }
  const report = await generator.generate({
    message: options.message ?? '',
    empty: options.empty,
    renames: options.rename,
    allowUnregistered: options.allowUnregistered,
    confirm: canPrompt() ? (rename) => confirm(`Is this a rename: ${describeRename(rename)}?`) : undefined,
  });
  const file = report.file ? displayPath(report.file) : null;
  for (const rename of report.unresolvedRenames) {
    out.error(
      out.yellow(
        `warning: ${describeRename(rename)} looks like a rename; it was generated as drop + add, which loses the data. ` +
          `To keep it, delete the file and run again with --rename ${renameFlag(rename)}`,
      ),
    );
  }
  for (const change of report.typeChanges.filter((typeChange) => !typeChange.kept)) {
    out.error(
      out.yellow(
        `warning: ${change.table}.${change.column} changes from ${change.from} to ${change.to}, which PostgreSQL cannot cast: ` +
          'it was generated as drop + add, which loses the column\'s values (marked DESTRUCTIVE in the file). ' +
          'To keep them, write the conversion by hand (ALTER COLUMN ... TYPE ... USING <expression>)',
      ),
    );
  }
  for (const { finding, allow } of report.refused) {
    out.error(out.yellow(`warning: the safety checks will refuse this migration: ${finding.rule ?? finding.check}: ${finding.message}. Once reviewed, ${allow}.`));
  }
  out.result({ ...report, file, id: report.id ?? null }, () => {
    if (!file) return out.line('No changes detected: the entities match the migrations. Nothing was written.');
    const what = options.empty ? 'blank migration' : `migration (${plural(report.statements, 'statement')})`;
    out.line(out.green(`Generated ${what} ${report.id}: ${file}`));
    if (report.destructive) out.line(out.yellow(`${report.destructive} statement(s) drop or convert data: they are marked DESTRUCTIVE in the file.`));
    out.line(nextStep(generator.buildStep(), generator.migrationsDir));
  });
}
