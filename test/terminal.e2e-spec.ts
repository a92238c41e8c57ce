import { spawn } from 'node:child_process';
import { cliEntry, cliEnv, REPO_ROOT, runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { writeChain, type GeneratedChain } from './support/generated-migrations';

/** Runs the CLI in a pseudo-terminal (util-linux `script`), as a person at a terminal would, and returns what the terminal got. */
function inTerminal(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const command = ['node', cliEntry(), ...args].map((arg) => `'${arg}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: REPO_ROOT, env: cliEnv({ COLUMNS: '120', LINES: '40', ...env }) });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

const COLOUR = /\u001b\[(?:1|2|3[1-6])m/;

describe('terminal output', () => {
  let db: TestDatabase;
  let chain: GeneratedChain;

  beforeAll(async () => {
    db = await createTestDatabase('terminal');
    // Migrations that take a moment each, so the line is redrawn while one runs and an estimate exists.
    chain = writeChain(3, { table: 'tty', sleepMs: 700 });
  });
  afterAll(async () => {
    chain.remove();
    await db.drop();
  });

  const env = () => ({ DATABASE_URL: db.url, MIGRATIONS_COMPILED_DIR: chain.dir });

  it('on a terminal, progress is one line rewritten in place: count, migration, elapsed, estimate; then the summary', async () => {
    const { code, output } = await inTerminal(['db', 'migrate'], { ...env(), NO_COLOR: '1' });
    expect(code).toBe(0);
    const redraws = output.split('\r\u001b[2K').slice(1).map((text) => text.split(/\r?\n/)[0]);
    expect(redraws).toEqual(expect.arrayContaining([expect.stringMatching(/^\[1\/3\] applying 000000000001 Create tty 1 {2}\d+\.\d s elapsed$/)]));
    expect(redraws).toEqual(expect.arrayContaining([expect.stringMatching(/^\[3\/3\] applying 000000000003 Create tty 3 {2}\d+\.\d s elapsed, ~\d+\.\d s left$/)]));
    // Redrawn while a migration runs, not only when one ends.
    expect(redraws.filter((text) => text.startsWith('[2/3] applying')).length).toBeGreaterThan(1);
    // What stays on the screen: two lines, what it changes and the summary; no line per migration.
    const lines = output.split(/\r?\n/).map((line) => line.split('\r\u001b[2K').pop() as string).filter(Boolean);
    expect(lines).toEqual([expect.stringMatching(/^Migrating postgres:\/\//), expect.stringMatching(/^Applied 3 migrations in \d+ ms; now at 000000000003 \(head\)\.$/)]);
    expect(output).not.toMatch(COLOUR);
  });

  it('elsewhere, one line per migration', async () => {
    expect((await runCli(['db', 'rollback', '-s', '3'], { env: env() })).code).toBe(0);
    const result = await runCli(['db', 'migrate'], { env: env() });
    expect(result.stdout).toMatch(/^\[1\/3\] apply 000000000001 Create tty 1 \(\d+ ms\)\n\[2\/3\] apply 000000000002 Create tty 2 \(\d+ ms\)\n\[3\/3\] apply 000000000003/m);
    expect(result.stdout).not.toContain('\r');
  });

  it('colour per no-color.org: an empty NO_COLOR does not disable it, a non-empty one does', async () => {
    expect((await inTerminal(['db', 'history'], { ...env(), NO_COLOR: '' })).output).toMatch(COLOUR);
    expect((await inTerminal(['db', 'history'], { ...env(), NO_COLOR: undefined })).output).toMatch(COLOUR);
    expect((await inTerminal(['db', 'history'], { ...env(), NO_COLOR: '1' })).output).not.toMatch(COLOUR);
  });

  it('FORCE_COLOR forces colour into a pipe, and FORCE_COLOR=0 turns it off on a terminal', async () => {
    const piped = await runCli(['db', 'history'], { env: { ...env(), NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(piped.stdout).toMatch(COLOUR);
    expect((await runCli(['db', 'history'], { env: { ...env(), NO_COLOR: undefined } })).stdout).not.toMatch(COLOUR);
    expect((await inTerminal(['db', 'history'], { ...env(), NO_COLOR: undefined, FORCE_COLOR: '0' })).output).not.toMatch(COLOUR);
  });
});
