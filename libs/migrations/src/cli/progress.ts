import type { StepEvent } from '../nest/migration-reports';
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
