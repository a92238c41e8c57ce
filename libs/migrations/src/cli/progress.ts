import type { LockWait } from '../adapter/runtime/advisory-lock';
import type { PolicyIssue } from '../core/policy';
import type { StepEvent } from '../core/reports';
import { formatFinding } from '../core/safety';
import { describeLockWait } from '../nest/lock-wait-message';
import type { CliOutput } from './output';

/** Progress of a run: a rewritten `[n/N]` line on a TTY, one plain line per migration otherwise. */
export function progressPrinter(out: CliOutput): (event: StepEvent) => void {
  const started = performance.now();
  return (event) => {
    const verb = event.direction === 'up' ? 'apply' : 'revert';
    const label = `[${event.index}/${event.total}] ${verb} ${event.revision} ${event.message}`;
    if (event.phase === 'start') {
      if (out.interactive) process.stdout.write(`${label} ...`);
      return;
    }
    const elapsed = `${event.ms} ms, ${((performance.now() - started) / 1000).toFixed(1)} s total`;
    if (out.interactive) process.stdout.write(`\r\u001b[2K${label} ${out.dim(`(${elapsed})`)}\n`);
    else out.line(`${label} (${event.ms} ms)`);
  };
}

/** Waits for the migration lock, on stderr. */
export function lockWaitPrinter(out: CliOutput): (wait: LockWait) => void {
  return (wait) => out.error(out.dim(describeLockWait(wait)));
}

/** What the policy lets through with a warning, on stderr. */
export function policyWarningPrinter(out: CliOutput): (issue: PolicyIssue) => void {
  return (issue) => out.error(out.yellow(issue.finding ? formatFinding(issue.finding) : `warning: ${issue.message}`));
}

/** Each blocking finding, on stderr, before the refusal's error line. */
export function refusalPrinter(out: CliOutput): (issue: PolicyIssue) => void {
  return (issue) => {
    if (issue.finding) out.error(out.red(formatFinding(issue.finding)));
  };
}
