/**
 * PgBouncer from Debian's package, in transaction pooling mode, in front of the test server: a real pooler,
 * started per test file on its own port and stopped after. It refuses to run as root, so as root it runs as
 * the `postgres` user. `PGBOUNCER` says where the binary is when it is not in /usr/sbin or on PATH.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './app-process';
import { waitFor } from './wait';

export interface Pooler {
  readonly port: number;
  /** `url` with host and port replaced by the pooler's. */
  through(url: string): string;
  stop(): Promise<void>;
}

/** The pgbouncer binary, or undefined when this machine has none. */
export function pgbouncerBinary(): string | undefined {
  const candidates = [process.env.PGBOUNCER, '/usr/sbin/pgbouncer', ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'pgbouncer'))];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

export async function startPgbouncer(server: { host: string; port: number }, options: { mode?: 'transaction' | 'session'; poolSize?: number } = {}): Promise<Pooler> {
  const binary = pgbouncerBinary();
  if (!binary) throw new Error('pgbouncer is not installed (apt-get install pgbouncer)');
  const dir = mkdtempSync(join(tmpdir(), 'pgbouncer-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.host} port=${server.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      `pool_mode = ${options.mode ?? 'transaction'}`,
      `default_pool_size = ${options.poolSize ?? 4}`,
      'unix_socket_dir =',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? 'setpriv' : binary;
  const args = asRoot ? ['--reuid=postgres', '--regid=postgres', '--clear-groups', binary, join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')];
  const child: ChildProcess = spawn(command, args, { stdio: 'ignore' });
  let exited = false;
  const closed = new Promise<void>((resolve) => child.on('close', () => ((exited = true), resolve())));
  await waitFor(async () => exited || (await listening(port)), `pgbouncer to listen on ${port}`, 20_000);
  if (exited) throw new Error(`pgbouncer exited at start (see ${join(dir, 'pgbouncer.log')})`);
  return {
    port,
    through(url: string): string {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await closed;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
