import { Option } from 'nest-commander';
import { UsageError } from '../core/errors';
import type { TenantSelection } from '../core/tenants';
import { DbCommandBase } from './db-command.base';
import { parseCount } from './option-parsers';

/** The tenant flags of a command that runs per tenant. */
export interface TenantFlags {
  tenant?: string[];
  allTenants?: boolean;
  concurrency?: number;
  failFast?: boolean;
}

/**
 * Base of the commands that act per tenant (`db migrate`, `rollback`, `current`, `history`, `stamp`):
 * `--tenant NAME` (repeatable), `--all-tenants`, `--concurrency N`, `--fail-fast`.
 */
export abstract class TenantCommandBase extends DbCommandBase {
  @Option({ flags: '--tenant <name>', description: 'act on this tenant (repeatable; see the `tenants` option)' })
  parseTenant(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }

  @Option({ flags: '--all-tenants', description: 'act on every tenant, and print one row per tenant' })
  parseAllTenants(): boolean {
    return true;
  }

  @Option({ flags: '--concurrency <n>', description: 'with tenants: how many run at once, and connections (default: tenantConcurrency, 4)' })
  parseConcurrency(value: string): number {
    return parseCount(value, 'Concurrency');
  }

  @Option({ flags: '--fail-fast', description: 'with tenants: start no other tenant once one failed (default: the others go on)' })
  parseFailFast(): boolean {
    return true;
  }
}

/** The tenants a command line asks for, checked before anything connects; undefined when it names none. */
export function tenantSelection(flags: TenantFlags): TenantSelection | undefined {
  const named = flags.tenant ?? [];
  if (flags.allTenants && named.length) throw new UsageError('Give either --tenant NAME or --all-tenants, not both');
  if (!flags.allTenants && !named.length) {
    if (flags.concurrency !== undefined || flags.failFast) throw new UsageError('--concurrency and --fail-fast go with --tenant NAME or --all-tenants');
    return undefined;
  }
  return flags.allTenants ? { all: true } : { tenants: named };
}

/** One tenant named once: the command's own output, on that tenant. */
export function singleTenant(selection: TenantSelection | undefined): string | undefined {
  return selection?.tenants?.length === 1 ? selection.tenants[0] : undefined;
}
