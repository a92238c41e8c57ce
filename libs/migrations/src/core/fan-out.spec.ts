import { fanOut } from './fan-out';
import { normalizeTenants, selectTenants, UnknownTenantError } from './tenants';
import { UsageError } from './errors';

describe('fanOut', () => {
  it('keeps at most N items running and returns outcomes in order', async () => {
    let running = 0;
    let peak = 0;
    const outcomes = await fanOut([1, 2, 3, 4, 5, 6, 7], { concurrency: 3 }, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await Promise.resolve();
      await Promise.resolve();
      running--;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'ok', 'ok', 'ok']);
    expect(outcomes[6]).toEqual({ item: 7, status: 'ok', value: 70 });
  });

  it('starts nothing new after a failure under failFast', async () => {
    const outcomes = await fanOut([1, 2, 3, 4], { concurrency: 1, failFast: true }, async (n) => {
      if (n === 2) throw new Error('two');
      return n;
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'failed', 'skipped', 'skipped']);
  });
});

describe('tenants', () => {
  const all = normalizeTenants(['acme', { name: 'globex', schema: 'tenant_globex' }, { name: 'initech', url: 'postgres://h/initech' }]);

  it('normalises schema and database tenants', () => {
    expect(all).toEqual([{ name: 'acme', schema: 'acme' }, { name: 'globex', schema: 'tenant_globex' }, { name: 'initech', url: 'postgres://h/initech' }]);
    expect(() => normalizeTenants(['a', 'a'])).toThrow(UsageError);
    expect(() => normalizeTenants(['bad-name'])).toThrow(/plain SQL identifier/);
  });

  it('selects by name, refuses unknown names and both flags', () => {
    expect(selectTenants(all, { tenants: ['initech', 'acme'] }).map((t) => t.name)).toEqual(['acme', 'initech']);
    expect(selectTenants(all, { all: true })).toHaveLength(3);
    expect(() => selectTenants(all, { tenants: ['acm'] })).toThrow(UnknownTenantError);
    expect(() => selectTenants(all, { tenants: ['acme'], all: true })).toThrow(/not both/);
  });
});
