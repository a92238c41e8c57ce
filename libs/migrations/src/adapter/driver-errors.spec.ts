import { connectionError, printableUrl, redact } from './driver-errors';

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

describe('passwords with unencoded @, : and /', () => {
  const passwords = ['p@ss', 'p:ss', 'p/ss', 'a@b:c/d@e', 'hunter2@'];

  it.each(passwords)('printableUrl never prints any part of %j', (password) => {
    const printed = printableUrl(`postgres://app:${password}@db.internal:5432/shop`);
    expect(printed).toBe('postgres://app:***@db.internal:5432/shop');
  });

  it.each(passwords)('redact hides all of %j in a message', (password) => {
    const text = redact(`connect to postgres://app:${password}@db.internal:5432/shop failed`);
    expect(text).toBe('connect to postgres://app:***@db.internal:5432/shop failed');
  });

  it('scrubs the configured password wherever it appears', () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://app:s3cr%40t/x@db/shop';
    try {
      expect(redact('auth failed for password s3cr@t/x and s3cr%40t/x')).toBe('auth failed for password *** and ***');
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
