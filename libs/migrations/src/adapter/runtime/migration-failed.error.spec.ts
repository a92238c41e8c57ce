import { MigrationFailedError } from './migration-failed.error';

/** A driver error as TypeORM wraps it: the SQLSTATE on `driverError.code`. */
function driverError(code: string | undefined, message = 'boom'): Error {
  return Object.assign(new Error(message), { driverError: { code, message } });
}

describe('MigrationFailedError', () => {
  it.each([
    ['57P01', 'connection_lost', /connection to PostgreSQL was lost/],
    ['57P02', 'connection_lost', /connection to PostgreSQL was lost/],
    ['08006', 'connection_lost', /connection to PostgreSQL was lost/],
    ['ECONNRESET', 'connection_lost', /connection to PostgreSQL was lost/],
    ['55P03', 'lock_timeout', /longer than lock_timeout/],
    ['57014', 'statement_timeout', /longer than statement_timeout/],
    ['40P01', 'migration_failed', /deadlock/],
    ['53200', 'migration_failed', /out of memory or of lock-table space \(max_locks_per_transaction\)/],
    ['53100', 'migration_failed', /disk is full/],
    ['53300', 'migration_failed', /no connection slots left/],
    ['42P01', 'migration_failed', /Fix the migration/],
  ])('classifies %s', (sqlstate, code, hint) => {
    const error = new MigrationFailedError('abcd00000001', 'up', driverError(sqlstate), true);
    expect(error.code).toBe(code);
    expect(error.hint).toMatch(hint);
    expect(error.exitCode).toBe(1);
  });

  it('reads a lost connection from the message when there is no code', () => {
    const error = new MigrationFailedError('abcd00000001', 'up', driverError(undefined, 'Connection terminated unexpectedly'), true);
    expect(error.code).toBe('connection_lost');
  });

  it('says what was kept: this migration only, the whole run, or maybe part of a non-transactional one', () => {
    expect(new MigrationFailedError('a', 'up', driverError('42P01'), true).hint).toMatch(/Nothing of this migration was kept .* stay applied/);
    const whole = new MigrationFailedError('a', 'up', driverError('53200'), true, true).hint;
    expect(whole).toMatch(/The run was one transaction and was rolled back: no migration of it is applied/);
    expect(whole).not.toMatch(/stay applied/);
    expect(new MigrationFailedError('a', 'up', driverError('57P01'), false).hint).toMatch(/may be partly applied/);
  });
});
