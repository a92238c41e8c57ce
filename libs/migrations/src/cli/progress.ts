import type { LockWait } from '../adapter/runtime/advisory-lock';
import type { PolicyIssue } from '../core/policy';
import type { StepEvent } from '../core/reports';
import { formatFinding } from '../core/safety';
import { describeLockWait } from '../nest/lock-wait-message';
import type { CliOutput } from './output';

/**
 * Progress of a run. On a terminal, one line rewritten in place: count, the migration running, time elapsed
 * and an estimate of what is left (from the average so far), refreshed while a long migration runs and
 * cleared at the end, when the command prints its summary. Elsewhere (logs, CI), one line per migration.
 * Nothing under `--json`.
 */
export function progressPrinter(out: CliOutput): ProgressPrinter {
  if (out.jsonMode) return Object.assign(() => undefined, { end: () => undefined });
  if (!out.interactive) {
    const print = (event: StepEvent) => {
      if (event.phase === 'done') out.line(`[${event.index}/${event.total}] ${event.direction === 'up' ? 'apply' : 'revert'} ${event.revision} ${event.message} (${event.ms} ms)`);
    };
    return Object.assign(print, { end: () => undefined });
  }
  // From the first migration, as the summary's total counts: connecting and waiting for the lock are not in it.
  let started: number | undefined;
  let doneMs = 0;
  let current: StepEvent | undefined;
  let stepStarted = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    if (!current) return;
    const now = performance.now();
    started ??= now;
    const finished = current.phase === 'done' ? current.index : current.index - 1;
    const left = finished ? Math.max(0, (doneMs / finished) * (current.total - finished) - (current.phase === 'start' ? now - stepStarted : 0)) : undefined;
    const verb = current.direction === 'up' ? 'applying' : 'reverting';
    const timing = `${seconds(now - started)} elapsed${left === undefined ? '' : `, ~${seconds(left)} left`}`;
    const text = fit(`[${current.index}/${current.total}] ${verb} ${current.revision} ${current.message}`, timing, out.stdout.columns);
    out.stdout.write(`\r\u001b[2K${text}`);
  };
  const print = (event: StepEvent) => {
    current = event;
    if (event.phase === 'start') {
      stepStarted = performance.now();
      timer ??= setInterval(draw, 200).unref();
    } else {
      doneMs += event.ms ?? 0;
    }
    draw();
    if (event.phase === 'done' && event.index === event.total) {
      clearInterval(timer);
      timer = undefined;
      current = undefined;
      out.stdout.write('\r\u001b[2K');
    }
  };
  // A run that stopped part way keeps its last line (where it stopped) and ends it, so the error starts a line.
  const end = () => {
    clearInterval(timer);
    if (current) out.stdout.write('\n');
    current = undefined;
  };
  return Object.assign(print, { end });
}

/** Prints step events; `end()` after the run, whether it finished or failed. */
export type ProgressPrinter = ((event: StepEvent) => void) & { end(): void };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The label, cut to fit the terminal's width with the timing after it (a wrapped line cannot be rewritten). */
function fit(label: string, timing: string, columns?: number): string {
  const room = Math.max(10, (columns || 80) - timing.length - 3);
  return `${label.length > room ? `${label.slice(0, room - 1)}…` : label}  ${timing}`;
}

/** Waits for the migration lock, on stderr. */
export function lockWaitPrinter(out: CliOutput): (wait: LockWait) => void {
  return (wait) => out.error(out.dim(describeLockWait(wait)));
}

/** What the policy lets through with a warning, on stderr. */
export function policyWarningPrinter(out: CliOutput, tenant?: string): (issue: PolicyIssue) => void {
  const prefix = tenant === undefined ? '' : `tenant ${tenant}: `;
  return (issue) => out.error(out.yellow(`${prefix}${issue.finding ? formatFinding(issue.finding) : `warning: ${issue.message}`}`));
}

/** Each blocking finding, on stderr, before the refusal's error line. */
export function refusalPrinter(out: CliOutput): (issue: PolicyIssue) => void {
  return (issue) => {
    if (issue.finding) out.error(out.red(formatFinding(issue.finding)));
  };
}
