import { SubCommand } from 'nest-commander';
import { MigrationsService } from '../../nest/migrations.service';
import { DbCommandBase } from '../db-command.base';
import { parseRevisionSpec } from '../option-parsers';
import { CliOutput } from '../output';
import { describePosition } from '../position';
import { lockWaitPrinter } from '../progress';

@SubCommand({
  name: 'stamp',
  arguments: '[revision]',
  argsDescription: { revision: 'head (default), base, an id or a unique prefix' },
  description: 'Make the ledger say REVISION without running any migration',
})
export class StampCommand extends DbCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  async run([revision]: string[]): Promise<void> {
    const out = new CliOutput();
    const spec = revision === undefined ? 'head' : parseRevisionSpec(revision);
    out.note(out.dim(`Stamping ${this.migrations.describeTarget()}`));
    const report = await this.migrations.stamp(spec, { onLockWait: lockWaitPrinter(out), entrance: 'cli' });
    const status = await this.migrations.status();
    const result: StampResult = { ...this.migrations.target(), revision: spec, ...report, current: status.current.map((rev) => rev.id), atHead: status.atHead };
    out.result(result, () => {
      if (!status.total) return out.line(out.green(`Stamped base: there are no migrations yet (${this.migrations.files().emptyReason()}); the ledger is ready. No migration was run.`));
      const changes = [report.added.length && `${report.added.length} marked applied`, report.removed.length && `${report.removed.length} unmarked`].filter(Boolean).join(', ');
      out.line(out.green(`Stamped ${describePosition(status)}${changes ? `: ${changes}` : ': nothing to change'}. No migration was run.`));
    });
  }
}

/** What `db stamp --json` prints (docs/json-output.md). */
export interface StampResult {
  database: string;
  schema: string;
  /** The revision spec given (`head` by default). */
  revision: string;
  /** Revisions marked applied, and unmarked (ledger rows removed). */
  added: string[];
  removed: string[];
  current: string[];
  atHead: boolean;
}
