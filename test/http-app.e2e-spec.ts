import { spawn, type ChildProcess } from 'node:child_process';
import { HANG_GUARD_MS } from './support/hang-guard';
import { createServer } from 'node:net';
import { cliEntry, cliEnv, REPO_ROOT, runCli } from './support/cli';
import { escapeIdentifier } from 'pg';
import { createTestDatabase, withClient, type TestDatabase } from './support/database';
import { cliFor } from './support/example-app';

/** One entry point: with no command it serves HTTP; with a command it runs it and never listens. */
describe('the example app entry point', () => {
  let db: TestDatabase;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('http_app');
    expect((await cliFor(db)('db', 'migrate')).code).toBe(0);
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await db.drop();
  });

  it('serves the users, products and orders API on PORT', async () => {
    const port = await freePort();
    server = spawn(process.execPath, [cliEntry()], { cwd: REPO_ROOT, env: cliEnv({ DATABASE_URL: db.url, PORT: String(port) }) });
    await waitForHttp(`http://127.0.0.1:${port}/users`);

    const user = await post(port, '/users', { email: 'ada@example.com', name: 'Ada' });
    expect(user).toMatchObject({ id: 1, email: 'ada@example.com', isActive: true });
    await post(port, '/products', { name: 'Keyboard', price: '49.90', quantity: 3 });
    const order = await post(port, '/orders', { userId: user.id, total: '49.90' });
    expect(order).toMatchObject({ userId: 1, status: 'pending' });
    expect(await (await fetch(`http://127.0.0.1:${port}/orders?userId=1`)).json()).toHaveLength(1);
    expect(await (await fetch(`http://127.0.0.1:${port}/products`)).json()).toEqual([
      expect.objectContaining({ name: 'Keyboard', price: '49.90', quantity: 3 }),
    ]);
  });

  it('runs a command without listening, even when PORT is taken', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const result = await runCli(['db', 'current'], { env: { DATABASE_URL: db.url, PORT: String(port) } });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Database is up to date.');
      expect(result.stdout + result.stderr).not.toMatch(/Listening|EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  // Last: it shuts the database to the app, as an outage would.
  it('answers /health/live while the database is down, where /health says not ready', async () => {
    const port = await freePort(48000, 48019);
    const app = spawn(process.execPath, [cliEntry()], { cwd: REPO_ROOT, env: cliEnv({ DATABASE_URL: db.url, PORT: String(port) }) });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`);
      const ready = await fetch(`http://127.0.0.1:${port}/health`);
      // Terse by default: states only, no revision ids.
      expect(await ready.json()).toEqual({
        status: 'ok',
        info: { database: { status: 'up' }, migrations: { status: 'up', state: 'at-head' } },
        error: {},
        details: { database: { status: 'up' }, migrations: { status: 'up', state: 'at-head' } },
      });
      await withClient(db.adminUrl, async (admin) => {
        await admin.query(`ALTER DATABASE ${escapeIdentifier(db.name)} WITH ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
      });
      const down = await fetch(`http://127.0.0.1:${port}/health`);
      expect(down.status).toBe(503);
      const body = (await down.json()) as { details: unknown };
      expect(body.details).toEqual({ database: { status: 'down' }, migrations: { status: 'down', state: 'unreachable' } });
      // Nothing about the server (host, port, database name, SQL error text) to whoever asks.
      expect(JSON.stringify(body)).not.toMatch(new RegExp(`127\\.0\\.0\\.1|5432|${db.name}|connect|terminat|denied`, 'i'));
      const live = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect({ status: live.status, body: await live.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    } finally {
      app.kill('SIGTERM');
    }
  });
});

/** A port the system picks (no arguments), or the first free one in `first`..`last`. */
async function freePort(first = 0, last = first): Promise<number> {
  for (let candidate = first; candidate <= last; candidate++) {
    const probe = createServer();
    const port = await new Promise<number | undefined>((resolve) => {
      probe.once('error', () => resolve(undefined));
      probe.listen(candidate, '127.0.0.1', () => resolve((probe.address() as { port: number }).port));
    });
    await new Promise((resolve) => (probe.listening ? probe.close(resolve) : resolve(undefined)));
    if (port !== undefined) return port;
  }
  throw new Error(`no free port in ${first}-${last}`);
}

async function waitForHttp(url: string, timeoutMs = HANG_GUARD_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function post(port: number, path: string, body: unknown): Promise<Record<string, any>> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Record<string, any>;
}
