import { SubCommand } from 'nest-commander';
import { resolveRevision } from '../../core/resolve-revision';
import { blocking, formatFinding, type Finding } from '../../core/safety';
import { MigrationsService } from '../../nest/migrations.service';
import { SafetyChecksService } from '../../nest/safety-checks.service';
import { JsonCommandBase } from '../json-command.base';
import { CliOutput } from '../output';

/** Exit code when a finding blocks: the check (the operation) failed. */
const BLOCKED = 1;

@SubCommand({
  name: 'lint',
  arguments: '[revisions...]',
  argsDescription: { revisions: 'revisions to judge (default: the pending ones)' },
  description: 'Run the safety checks on migrations (pending by default), weighed by table sizes: one line per finding; exit 1 on a blocking one',
})
export class LintCommand extends JsonCommandBase {
  constructor(
    private readonly migrations: MigrationsService,
    private readonly safety: SafetyChecksService,
  ) {
    super();
  }

  async run(revisions: string[], options: { json?: boolean } = {}): Promise<void> {
    const out = new CliOutput();
    const files = this.migrations.files();
    const ids = revisions.length
      ? revisions.map((spec) => resolveRevision(files.graph, spec))
      : (await this.migrations.status()).pending.map((rev) => rev.id);
    const report = await this.safety.lint(ids.map((id) => files.get(id)));
    const { findings } = report;
    if (blocking(findings).length) process.exitCode = BLOCKED;
    if (out.jsonMode) return out.json({ revisions: ids, ...report });
    if (!ids.length) return out.line('Nothing to lint: no pending migrations.');
    if (report.catalogError) out.error(out.yellow(`warning: table sizes and column types could not be read, findings use their configured levels: ${report.catalogError}`));
    for (const finding of findings) out.line(paint(out, finding)(formatFinding(finding)));
    const blocked = blocking(findings).length;
    const accepted = findings.filter((finding) => finding.accepted).length;
    const warnings = findings.length - blocked - accepted;
    out.line(
      findings.length
        ? `${ids.length} migration(s) checked: ${blocked} blocking, ${warnings} warning(s)${accepted ? `, ${accepted} accepted` : ''}.`
        : out.green(`${ids.length} migration(s) checked: no findings.`),
    );
  }
}

function paint(out: CliOutput, finding: Finding): (text: string) => string {
  if (finding.accepted) return out.dim;
  return finding.level === 'block' ? out.red : out.yellow;
}
