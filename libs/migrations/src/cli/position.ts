import type { StatusReport } from '../core/reports';

/** Where the database stands, for the last line of a mutating command: `b82d814bc902 (head)`, or `base`. */
export function describePosition(status: StatusReport): string {
  const at = status.current.map((rev) => rev.id).join(', ') || 'base';
  return status.atHead && status.total ? `${at} (head)` : at;
}
