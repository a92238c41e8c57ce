import { Option, SubCommand } from 'nest-commander';
import type { AuditEvent, HistoryEntry } from '../../core/reports';
import { MigrationsService } from '../../nest/migrations.service';
import { cliRun } from '../cli-run';
import { singleTenant, TenantCommandBase, tenantSelection, type TenantFlags } from '../tenant-command.base';
import { redact } from '../../adapter/driver-errors';
import { parseCount } from '../option-parsers';
import { CliOutput, plural } from '../output';

interface HistoryOptions extends TenantFlags {
  range?: string;
  limit?: number;
  log?: boolean;
}

@SubCommand({
  name: 'history',
  description: 'List every revision, newest first: applied/pending/current/head marks and when each ran (--verbose: by whom, how long, file); --log: every apply, revert and stamp',
})
export class HistoryCommand extends TenantCommandBase {
  constructor(private readonly migrations: MigrationsService) {
    super();
  }

  @Option({ flags: '-r, --rev-range <from:to>', name: 'range', description: 'only revisions from FROM to TO (ids, prefixes, base, head, current; either may be empty)' })
  parseRange(value: string): string {
    return value;
  }

  @Option({ flags: '--limit <n>', description: 'only the newest N revisions (or events, with --log)' })
  parseLimit(value: string): number {
    return parseCount(value, 'Limit');
  }

  @Option({ flags: '--log', description: 'the audit log: every apply, revert and stamp, with who and when, newest first' })
  parseLog(): boolean {
    return true;
  }

  async run(_: string[], options: HistoryOptions = {}): Promise<void> {
    const out = new CliOutput();
    const tenants = tenantSelection(options);
    const one = singleTenant(tenants);
    if (one !== undefined) return this.migrations.withTenant(one, (migrations) => this.show(out, migrations, options));
    if (tenants) return this.showTenants(out, tenants, options);
    return this.show(out, this.migrations, options);
  }

  private async show(out: CliOutput, migrations: MigrationsService, options: HistoryOptions): Promise<void> {
    const filter = { range: options.range, limit: options.limit };
    if (options.log) return out.result(await migrations.log(filter), (events) => printLog(out, events));
    const entries = await migrations.history(undefined, filter);
    out.result(entries, () => printHistory(out, migrations, entries, options));
  }

  /** Several tenants: each one's history (or audit log) under its name; exit 1 when one could not be read. */
  private async showTenants(out: CliOutput, selection: { all?: boolean; tenants?: readonly string[] }, options: HistoryOptions): Promise<void> {
    const filter = { range: options.range, limit: options.limit };
    const outcomes = await this.migrations.eachTenant(
      selection,
      async (migrations) => ({ ...migrations.target(), entries: options.log ? await migrations.log(filter) : await migrations.history(undefined, filter) }),
      { concurrency: options.concurrency, failFast: options.failFast },
    );
    const results = outcomes.map((outcome) =>
      outcome.status === 'ok'
        ? { tenant: outcome.item.name, ...outcome.value, error: null }
        : { tenant: outcome.item.name, schema: outcome.item.schema ?? null, entries: null, error: outcome.status === 'failed' ? redact(outcome.error instanceof Error ? outcome.error.message : String(outcome.error)) : 'not started (--fail-fast)' },
    );
    if (results.some((result) => result.error)) process.exitCode = 1;
    out.result(results, () => {
      for (const result of results) {
        out.line(out.bold(`== tenant ${result.tenant} (schema ${result.schema ?? '?'}) ==`));
        if (result.error) out.line(out.red(`failed: ${result.error}`));
        else if (options.log) printLog(out, result.entries as AuditEvent[]);
        else printHistory(out, this.migrations, result.entries as HistoryEntry[], options);
      }
    });
  }
}

function printHistory(out: CliOutput, migrations: MigrationsService, entries: HistoryEntry[], options: HistoryOptions): void {
  if (!entries.length) {
    return out.line(options.range === undefined ? `No migrations yet (${migrations.files().emptyReason()}): create one with \`db migrate -m "message"\`.` : `No revisions in the range ${options.range}.`);
  }
  out.table(entries.map((entry) => row(out, entry, cliRun().verbose)));
  const applied = entries.filter((entry) => entry.applied).length;
  out.line(out.dim(`${plural(entries.length, 'revision')}, ${applied} applied, ${entries.length - applied} pending.`));
}

/** `parents -> id  (marks)  state  when  [by  duration  file]  message`: `when` is when it ran, in UTC. */
function row(out: CliOutput, entry: HistoryEntry, verbose: boolean): string[] {
  const parents = entry.parents.length ? entry.parents.join(', ') : '<base>';
  const marks = [entry.head && 'head', entry.current && 'current', entry.merge && 'merge', entry.branchPoint && 'branchpoint']
    .filter(Boolean)
    .join(', ');
  const state = entry.applied ? (entry.stamped ? out.cyan('stamped') : out.green('applied')) : out.yellow('pending');
  const when = entry.recordedBy === 'typeorm' ? 'applied by TypeORM' : entry.appliedAt ? utc(entry.appliedAt) : '';
  const audit = verbose
    ? [entry.recordedBy === 'ledger' ? (entry.appliedBy ?? '') : '', entry.durationMs === null ? '' : `${entry.durationMs} ms`, entry.file]
    : [];
  return [`${parents} -> ${out.bold(entry.id)}`, marks ? `(${marks})` : '', state, when, ...audit, entry.message];
}

function printLog(out: CliOutput, events: AuditEvent[]): void {
  if (!events.length) return out.line('The audit log is empty: nothing was applied, reverted or stamped here yet.');
  out.table(
    events.map((event) => [
      utc(event.at),
      paintEvent(out, event.event),
      out.bold(event.revision),
      event.by,
      event.durationMs === null ? '' : `${event.durationMs} ms`,
      event.message,
    ]),
  );
}

function paintEvent(out: CliOutput, event: AuditEvent['event']): string {
  return event === 'applied' ? out.green(event) : event === 'reverted' ? out.yellow(event) : out.cyan(event);
}

/** `2026-11-23 23:31:30Z`: seconds matter in an audit, and UTC reads the same on every server. */
function utc(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')}Z`;
}
