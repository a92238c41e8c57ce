import type { RunReport, StatusReport } from '../core/reports';
import type { MigrationsService } from '../nest/migrations.service';

/** Where the database stands, for the last line of a mutating command: `b82d814bc902 (head)`, or `base`. */
export function describePosition(status: StatusReport): string {
  const at = status.current.map((rev) => rev.id).join(', ') || 'base';
  return status.atHead && status.total ? `${at} (head)` : at;
}

/** What `db migrate` and `db rollback` print with `--json` (docs/json-output.md). */
export interface RunResult {
  database: string;
  schema: string;
  dryRun: boolean;
  steps: RunReport['steps'];
  totalMs: number;
  /** Where the database is afterwards. */
  current: string[];
  atHead: boolean;
}

/** A finished run and where it left the database, as people and machines read it. */
export async function runResult(migrations: MigrationsService, report: RunReport, dryRun: boolean): Promise<{ result: RunResult; at: string }> {
  const status = await migrations.status();
  return {
    result: { ...migrations.target(), dryRun, steps: report.steps, totalMs: report.totalMs, current: status.current.map((rev) => rev.id), atHead: status.atHead },
    at: describePosition(status),
  };
}
