import { connectionError, redact } from './driver-errors';

describe('redact', () => {
  it.each([
    ['connect postgres://app:hunter2@db:5432/app failed', 'connect postgres://app:***@db:5432/app failed'],
    ['postgresql://u:p%40ss@h/d', 'postgresql://u:***@h/d'],
    ['password=hunter2 host=db', 'password=*** host=db'],
    ["password: 'hunter 2'", 'password: ***'],
    ['postgres://app@db/app', 'postgres://app@db/app'],
  ])('hides the password in %j', (input, output) => expect(redact(input)).toBe(output));
});

describe('connectionError', () => {
  const target = { host: 'db', port: 5432, database: 'shop', user: 'app' };
  it.each([
    ['ECONNREFUSED', /Cannot connect to PostgreSQL at db:5432: connection refused/, 1],
    ['ENOTFOUND', /host 'db' not found/, 1],
    ['3D000', /Database "shop" does not exist on db:5432/, 1],
    ['28P01', /rejected user "app": authentication failed/, 1],
  ])('turns %s into one actionable line', (code, message, exitCode) => {
    const error = connectionError(Object.assign(new Error('raw'), { code }), target);
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
    expect(error.exitCode).toBe(exitCode);
  });
});
