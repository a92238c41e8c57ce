#!/usr/bin/env node
// @ts-check
/**
 * Verifies deploy/Dockerfile without a Docker engine: emulates `docker build -f deploy/Dockerfile .` (every
 * COPY and RUN of every stage, in a temporary folder, .dockerignore honoured; see
 * support/dockerfile-emulator.js), then uses the runtime stage as a container would, as the image's
 * non-root user with the image's environment (NODE_ENV=production):
 *   - the runtime stage holds no dev-only package and no TypeScript source;
 *   - `db migrate` applies the example migrations to a fresh PostgreSQL database (exit 0), and a second
 *     run finds nothing to do (exit 0);
 *   - `db migrate --to <unknown>` exits 2, the code the Kubernetes Job's podFailurePolicy does not retry;
 *   - with no arguments it serves HTTP: /health answers 200 (database up, schema at head), /health/live 200;
 *   - SIGTERM stops it.
 *
 * It takes about a minute (npm ci dominates), too long for the test suite: run it from CI.
 *
 *   node test/verify-image.js [--dockerfile deploy/Dockerfile] [--keep]
 *
 * PostgreSQL: VERIFY_IMAGE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), a role that may
 * create databases; the script creates one database and drops it. HTTP: the first free port in 48040-48059.
 * Exit code 0 when every check holds, 1 otherwise (one line says which and why).
 */
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Client, escapeIdentifier } = require('pg');
const { build, runImage, inStage } = require('./support/dockerfile-emulator');

const REPO_ROOT = path.resolve(__dirname, '..');
const PORTS = { first: 48040, last: 48059 };
/** Guards against a hung process only; no step is expected to come near them. */
const COMMAND_CEILING_MS = 120_000;
const HEALTH_CEILING_MS = 60_000;

async function main() {
  const argv = process.argv.slice(2);
  const dockerfileArg = argv.includes('--dockerfile') ? argv[argv.indexOf('--dockerfile') + 1] : 'deploy/Dockerfile';
  const dockerfile = path.resolve(REPO_ROOT, dockerfileArg);
  const keep = argv.includes('--keep');
  const adminUrl = process.env.VERIFY_IMAGE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-image-'));
  const started = Date.now();
  let database;
  try {
    const image = await step(`build ${path.relative(REPO_ROOT, dockerfile)} (every stage, emulated in ${workDir})`, async () =>
      build({ dockerfile, context: REPO_ROOT, workDir, log: (line) => console.log(`    ${line}`) }),
    );
    await step('the runtime stage holds production files only', async () => checkRuntimeFiles(image));
    await step(`its processes run as ${image.user}, not root, and cannot change the app's files`, async () => {
      const probe = "const fs = require('fs'); let writable = true; try { fs.accessSync('dist/main.js', fs.constants.W_OK); } catch { writable = false; } console.log(JSON.stringify({ uid: process.getuid(), writable }))";
      const result = await command(image, ['-e', probe], {}, ['node']);
      expectExit(result, 0);
      const seen = JSON.parse(result.output);
      if (seen.uid === 0 || seen.writable) throw new Error(`ran as uid ${seen.uid}, dist/main.js writable: ${seen.writable}`);
    });
    database = await step('create a database for the image', async () => createDatabase(adminUrl));
    const url = /** @type {{ url: string }} */ (database).url;
    const env = { DATABASE_URL: url };
    await step(`db migrate as ${image.user} with NODE_ENV=${image.env.NODE_ENV}: exit 0, every migration applied`, async () => {
      expectExit(await command(image, ['db', 'migrate'], env), 0);
      await expectAtHead(image, env);
    });
    await step('db migrate again: exit 0, nothing to do', async () => {
      expectExit(await command(image, ['db', 'migrate'], env), 0);
      await expectAtHead(image, env);
    });
    await step('db migrate --to an unknown revision: exit 2 (refused, not retried by the Job)', async () => {
      expectExit(await command(image, ['db', 'migrate', '--to', 'ffffffffffff'], env), 2);
    });
    await step('no arguments: serves /health (200, schema at head) and /health/live (200); SIGTERM stops it', async () =>
      serve(image, env),
    );
    console.log(`verify-image: every check holds (${Math.round((Date.now() - started) / 1000)} s)`);
  } finally {
    if (database) await database.drop().catch((error) => console.log(`    could not drop ${database?.name}: ${error.message}`));
    if (keep) console.log(`    kept ${workDir}`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * @template T
 * @param {string} title
 * @param {() => Promise<T>} body
 * @returns {Promise<T>}
 */
async function step(title, body) {
  const started = Date.now();
  console.log(`- ${title}`);
  const result = await body();
  console.log(`  ok (${Date.now() - started} ms)`);
  return result;
}

/** @param {import('./support/dockerfile-emulator').BuiltStage} image */
function checkRuntimeFiles(image) {
  const app = inStage(image.root, image.workdir);
  if (!fs.existsSync(path.join(app, 'dist', 'main.js'))) throw new Error('dist/main.js is missing from the runtime stage');
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  const devOnly = Object.entries(lock.packages ?? {})
    .filter(([where, entry]) => where.startsWith('node_modules/') && entry.dev === true)
    .map(([where]) => where);
  const shipped = devOnly.filter((where) => fs.existsSync(path.join(app, where)));
  if (shipped.length) throw new Error(`dev-only packages in the runtime stage: ${shipped.slice(0, 5).join(', ')}${shipped.length > 5 ? ', ...' : ''}`);
  const sources = ['src', 'migrations', 'test', '.env'].filter((name) => fs.existsSync(path.join(app, name)));
  if (sources.length) throw new Error(`the runtime stage holds ${sources.join(', ')}: only compiled output belongs there`);
  console.log(`    ${devOnly.length} dev-only packages of package-lock.json absent, no sources`);
}

/** @param {string} adminUrl */
async function createDatabase(adminUrl) {
  const name = `verify_image_${process.pid}_${randomBytes(3).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${escapeIdentifier(name)} TEMPLATE template0`)).catch((error) => {
    throw new Error(`cannot create a database through VERIFY_IMAGE_ADMIN_URL (${redact(adminUrl)}): ${error.message}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withClient(adminUrl, async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)}`);
      }),
  };
}

/**
 * @template T
 * @param {string} url
 * @param {(client: import('pg').Client) => Promise<T>} body
 */
async function withClient(url, body) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** @param {string} url */
function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * Runs the image with `args` (and another entry point if given) and collects its exit and output.
 * @param {import('./support/dockerfile-emulator').BuiltStage} image
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @param {string[]} [entrypoint]
 * @returns {Promise<{ code: number | null, signal: string | null, output: string, args: string[] }>}
 */
function command(image, args, env, entrypoint) {
  return new Promise((resolve, reject) => {
    const child = runImage(image, args, { env, entrypoint });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), COMMAND_CEILING_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, output, args });
    });
  });
}

/**
 * @param {{ code: number | null, signal: string | null, output: string, args: string[] }} result
 * @param {number} expected
 */
function expectExit(result, expected) {
  const lines = result.output.trim().split('\n');
  for (const line of lines.slice(-6)) console.log(`    | ${line}`);
  if (result.code !== expected) {
    throw new Error(`\`${result.args.join(' ')}\` exited with ${result.code ?? result.signal}, expected ${expected}`);
  }
}

/**
 * @param {import('./support/dockerfile-emulator').BuiltStage} image
 * @param {Record<string, string>} env
 */
async function expectAtHead(image, env) {
  const result = await command(image, ['db', 'current', '--json'], env);
  expectExit(result, 0);
  const status = JSON.parse(result.output.slice(result.output.indexOf('{')));
  const compiled = fs.readdirSync(path.join(inStage(image.root, image.workdir), 'dist', 'migrations')).filter((f) => f.endsWith('.js'));
  if (!status.atHead || status.pending.length || status.applied !== compiled.length) {
    throw new Error(`db current: atHead ${status.atHead}, ${status.applied} applied of ${compiled.length} compiled migrations, ${status.pending.length} pending`);
  }
}

/**
 * @param {import('./support/dockerfile-emulator').BuiltStage} image
 * @param {Record<string, string>} env
 */
async function serve(image, env) {
  const port = await freePort();
  const child = runImage(image, [], { env: { ...env, PORT: String(port) } });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  /** @type {Promise<{ code: number | null, signal: string | null }>} */
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  try {
    const health = await waitForHealth(port, exited);
    console.log(`    | GET /health ${health.status} ${JSON.stringify(health.body)}`);
    if (health.status !== 200 || health.body?.status !== 'ok') throw new Error(`/health answered ${health.status}`);
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    console.log(`    | GET /health/live ${live.status}`);
    if (live.status !== 200) throw new Error(`/health/live answered ${live.status}`);
  } catch (error) {
    child.kill('SIGKILL');
    for (const line of output.trim().split('\n').slice(-10)) console.log(`    | ${line}`);
    throw error;
  }
  child.kill('SIGTERM');
  const guard = setTimeout(() => child.kill('SIGKILL'), COMMAND_CEILING_MS);
  const { code, signal } = await exited;
  clearTimeout(guard);
  console.log(`    | stopped by SIGTERM: exit ${code ?? signal}`);
  if (signal === 'SIGKILL') throw new Error('the server did not stop on SIGTERM');
}

/**
 * Polls /health until it answers 200, the process exits, or the ceiling passes.
 * @param {number} port
 * @param {Promise<{ code: number | null, signal: string | null }>} exited
 */
async function waitForHealth(port, exited) {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + HEALTH_CEILING_MS;
  let last = { status: 0, body: /** @type {any} */ (null) };
  while (!gone && Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      last = { status: response.status, body: await response.json().catch(() => null) };
      if (response.status === 200) return last;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (gone) throw new Error(`the server exited before /health answered 200 (last answer ${last.status})`);
  return last;
}

async function freePort() {
  for (let port = PORTS.first; port <= PORTS.last; port++) {
    const free = await new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${PORTS.first}-${PORTS.last}`);
}

main().catch((error) => {
  console.error(`verify-image: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
