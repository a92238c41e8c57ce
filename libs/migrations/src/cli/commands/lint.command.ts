import { SubCommand } from 'nest-commander';
import { resolveRevision } from '../../core/resolve-revision';
import { blocking, formatFinding } from '../../core/safety';
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
  description: 'Run the safety checks on migrations (pending by default): one line per finding; exit 1 on a blocking one',
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
    const findings = await this.safety.judge(ids.map((id) => files.get(id)));
    if (blocking(findings).length) process.exitCode = BLOCKED;
    if (options.json) return out.json({ revisions: ids, findings });
    if (!ids.length) return out.line('Nothing to lint: no pending migrations.');
    for (const finding of findings) out.line(finding.level === 'block' ? out.red(formatFinding(finding)) : out.yellow(formatFinding(finding)));
    const blocked = blocking(findings).length;
    out.line(
      findings.length
        ? `${ids.length} migration(s) checked: ${blocked} blocking, ${findings.length - blocked} warning(s).`
        : out.green(`${ids.length} migration(s) checked: no findings.`),
    );
  }
}
