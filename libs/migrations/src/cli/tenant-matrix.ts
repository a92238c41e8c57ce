import { redact } from '../adapter/driver-errors';
import { MigrationsError } from '../core/errors';
import type { StatusReport } from '../core/reports';
import { selectTenants, type Tenant, type TenantSelection } from '../core/tenants';
import type { MigrationsService } from '../nest/migrations.service';
import type { CliOutput } from './output';
import { plural } from './output';
import type { TenantFlags } from './tenant-command.base';

/** Where a tenant stands after the command: what it did, or where it is (`db current`). */
export type TenantState = 'migrated' | 'reverted' | 'stamped' | 'seeded' | 'at-head' | 'pending' | 'ahead' | 'failed' | 'skipped';

/** One row of the tenant matrix (docs/json-output.md). */
export interface TenantRow {
  tenant: string;
  /** The schema of its ledger (and its `search_path`, for a schema tenant). */
  schema: string | null;
  database: string | null;
  state: TenantState;
  /** Its current revision(s) after the command; null when they could not be read. */
  revision: string[] | null;
  /** Revisions not applied yet; null when unknown. */
  pending: number | null;
  /** Migrations this command ran (applied, reverted or stamped) on it. */
  steps: number;
  error: { code: string; message: string } | null;
}

/** What `--all-tenants` (or several `--tenant`) prints with `--json`. */
export interface TenantMatrix {
  tenants: TenantRow[];
  total: number;
  /** Tenants at head after the command. */
  atHead: number;
  failed: number;
  /** Tenants not at head (pending or ahead) that did not fail. */
  lagging: number;
}

/** What a command does to one tenant: the state it reports and how many migrations it ran. */
export type TenantAction = (migrations: MigrationsService) => Promise<{ state?: TenantState; steps?: number }>;

class TenantRowError extends Error {
  constructor(readonly row: TenantRow) {
    super(row.error?.message);
  }
}

/**
 * Runs `action` on each selected tenant (bounded by `--concurrency`, going on after a failure unless
 * `--fail-fast`), prints the matrix (a table, or JSON), and sets exit 1 when a tenant failed, was skipped,
 * or — for `lagFails` (`db current`) — is not at head.
 */
export async function runTenantMatrix(out: CliOutput, migrations: MigrationsService, selection: TenantSelection, flags: TenantFlags, action: TenantAction, lagFails = false): Promise<TenantMatrix> {
  const tenants = selectTenants(await migrations.tenants(), selection);
  let finished = 0;
  const progress = (row: TenantRow) => {
    finished++;
    if (out.jsonMode) return;
    // On a terminal, one line rewritten in place; failures on stderr as they happen.
    if (out.interactive) out.stdout.write(`\r\u001b[2K[${finished}/${tenants.length}] ${row.tenant}: ${row.state}`);
    if (row.error) out.error(out.red(`${out.interactive ? '\r\u001b[2K' : ''}tenant ${row.tenant} failed: ${row.error.message}`));
  };
  const outcomes = await migrations.eachTenant(
    tenants,
    async (tenantMigrations, tenant) => {
      const target = tenantMigrations.target();
      const base = { tenant: tenant.name, schema: target.schema, database: target.database };
      try {
        const result = await action(tenantMigrations);
        const row = toRow(base, await tenantMigrations.status(), result.state, result.steps ?? 0, null);
        progress(row);
        return row;
      } catch (error) {
        const status = await tenantMigrations.status().catch(() => undefined);
        const row = toRow(base, status, 'failed', 0, describeError(error));
        progress(row);
        throw new TenantRowError(row);
      }
    },
    { concurrency: flags.concurrency, failFast: flags.failFast },
  );
  if (out.interactive && finished) out.stdout.write('\r\u001b[2K');
  const rows = outcomes.map((outcome) => {
    if (outcome.status === 'ok') return outcome.value;
    if (outcome.status === 'failed' && outcome.error instanceof TenantRowError) return outcome.error.row;
    return skippedRow(outcome.item, outcome.status === 'failed' ? describeError(outcome.error) : null);
  });
  const matrix: TenantMatrix = {
    tenants: rows,
    total: rows.length,
    atHead: rows.filter((row) => row.pending === 0 && row.state !== 'ahead' && row.state !== 'failed').length,
    failed: rows.filter((row) => row.state === 'failed' || row.state === 'skipped').length,
    lagging: rows.filter((row) => row.state === 'pending' || row.state === 'ahead').length,
  };
  if (matrix.failed || (lagFails && matrix.lagging)) process.exitCode = 1;
  out.result(matrix, () => printMatrix(out, matrix));
  return matrix;
}

function toRow(base: Pick<TenantRow, 'tenant' | 'schema' | 'database'>, status: StatusReport | undefined, done: TenantState | undefined, steps: number, error: TenantRow['error']): TenantRow {
  const where: TenantState = !status ? 'failed' : status.unknown.length ? 'ahead' : status.atHead ? 'at-head' : 'pending';
  const state = error ? 'failed' : done && steps ? done : where;
  return { ...base, state, revision: status ? status.current.map((rev) => rev.id) : null, pending: status ? status.pending.length : null, steps, error };
}

function skippedRow(tenant: Tenant, error: TenantRow['error']): TenantRow {
  return { tenant: tenant.name, schema: tenant.schema ?? null, database: null, state: error ? 'failed' : 'skipped', revision: null, pending: null, steps: 0, error: error ?? { code: 'skipped', message: 'not started: an earlier tenant failed (--fail-fast)' } };
}

function describeError(error: unknown): { code: string; message: string } {
  const message = redact(error instanceof Error ? error.message : String(error)).split('\n')[0];
  return { code: error instanceof MigrationsError ? error.code : 'unexpected', message };
}

function printMatrix(out: CliOutput, matrix: TenantMatrix): void {
  const paint = (state: TenantState) => (state === 'failed' || state === 'skipped' ? out.red(state) : state === 'pending' || state === 'ahead' ? out.yellow(state) : out.green(state));
  out.table([
    ['TENANT', 'REVISION', 'PENDING', 'STATE', 'ERROR'].map(out.bold),
    ...matrix.tenants.map((row) => [
      row.tenant,
      row.revision === null ? '?' : row.revision.join(',') || 'base',
      row.pending === null ? '?' : String(row.pending),
      paint(row.state),
      row.error ? row.error.message : '',
    ]),
  ]);
  const parts = [`${matrix.atHead} at head`, matrix.lagging && `${matrix.lagging} behind or ahead`, matrix.failed && `${matrix.failed} failed`].filter(Boolean);
  const line = `${plural(matrix.total, 'tenant')}: ${parts.join(', ')}.`;
  out.line(matrix.failed ? out.red(line) : matrix.lagging ? out.yellow(line) : out.green(line));
}
