#!/usr/bin/env node
'use strict';
/*
 * Tenant fan-out benchmark: `db migrate --all-tenants` on N tenant schemas × the example app's 3 migrations,
 * against psql applying the same SQL (the migrations and the ledger statements, from `db migrate --sql`) to each
 * schema, one psql per schema, with the same concurrency (`xargs -P C`), in the same run; plus our serial time
 * (--concurrency 1), to show what concurrency buys. Peak RSS of our process is measured with GNU time.
 *
 *   npm run build                                   # once: the benchmark runs dist/main.js
 *   node bench/fanout.bench.js [N] [C] [R] [--json]  # default N=1000 tenants, C=4, R=3 interleaved rounds
 *   node bench/fanout.bench.js 100 4 1              # smoke run
 *
 * Databases are named bench_fanout_<pid>_<label>_<k>; all are dropped at the end, also on failure or Ctrl-C.
 * Exit code: 0 when every run brought every tenant to head and our median is within 1.5× psql's; 1 otherwise.
 */
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { tmpdir, cpus, loadavg } = require('node:os');
const { run, median, HAS_TIME } = require('./lib/measure');
const { psql, urlOf, Databases } = require('./lib/pg');
const { requireBuild } = require('./lib/setup');

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const TARGET = 1.5;

const args = process.argv.slice(2);
const json = args.includes('--json');
const [nArg, cArg, rArg] = args.filter((a) => !a.startsWith('--'));
const N = nArg ? Number(nArg) : 1000;
const C = cArg ? Number(cArg) : 4;
const R = rArg ? Number(rArg) : 3;
if (![N, C, R].every((x) => Number.isInteger(x) && x >= 1)) {
  console.error('usage: node bench/fanout.bench.js [N tenants >= 1] [C concurrency >= 1] [R rounds >= 1] [--json]');
  process.exit(2);
}
requireBuild(MAIN);
const log = (msg) => process.stderr.write(`${msg}\n`);

const dbs = new Databases('bench_fanout');
const tmp = mkdtempSync(join(tmpdir(), 'fanout-bench-'));
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  dbs.dropAll();
  rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

const names = Array.from({ length: N }, (_, i) => `tenant_${String(i).padStart(4, '0')}`);

/** A fresh database with a `tenants` table listing N schema tenants (the example app's TENANTS=table). */
function freshTenantDb(label) {
  const db = dbs.fresh(label);
  psql(db, ['-q', '-c', `CREATE TABLE public.tenants ("name" text PRIMARY KEY, "schema_name" text, "url" text);
    INSERT INTO public.tenants SELECT 'tenant_' || lpad(g::text, 4, '0'), 'tenant_' || lpad(g::text, 4, '0'), NULL FROM generate_series(0, ${N - 1}) g`]);
  return db;
}

/** Every tenant has the 3 revisions in its ledger. */
function verify(db) {
  const out = psql(db, ['-qtA', '-c', `SELECT count(*) FROM pg_tables WHERE tablename = 'migrations_ledger' AND schemaname LIKE 'tenant_%'`]).trim();
  const ledgers = Number(out);
  const rows = names.length ? Number(psql(db, ['-qtA', '-c', `SELECT sum(n) FROM (${names.slice(0, Math.min(N, 50)).map((s) => `SELECT count(*) AS n FROM "${s}".migrations_ledger`).join(' UNION ALL ')}) x`]).trim()) : 0;
  if (ledgers !== N || rows !== Math.min(N, 50) * 3) throw new Error(`${db}: ${ledgers} ledgers of ${N}, ${rows} rows in the first ${Math.min(N, 50)}`);
}

function ours(concurrency) {
  const db = freshTenantDb(`ours_c${concurrency}`);
  const res = run('node', [MAIN, 'db', 'migrate', '--all-tenants', '--concurrency', String(concurrency), '--json'], { env: { DATABASE_URL: urlOf(db), TENANTS: 'table', NO_COLOR: '1' }, rss: true });
  if (res.status !== 0) throw new Error(`db migrate --all-tenants exited ${res.status}: ${res.stderr.trim().split('\n')[0]}`);
  const matrix = JSON.parse(res.stdout);
  if (matrix.atHead !== N) throw new Error(`db migrate --all-tenants: ${matrix.atHead} of ${N} at head`);
  verify(db);
  dbs.drop(db);
  return res;
}

/** The SQL our runtime sends to one schema (ledger included), from `db migrate --sql --tenant`, for schema `s`. */
function scriptFor() {
  const db = freshTenantDb('sql');
  const res = run('node', [MAIN, 'db', 'migrate', '--sql', '--tenant', names[0]], { env: { DATABASE_URL: urlOf(db), TENANTS: 'table', NO_COLOR: '1' } });
  dbs.drop(db);
  if (res.status !== 0) throw new Error(`db migrate --sql exited ${res.status}: ${res.stderr}`);
  const template = res.stdout;
  for (const name of names) {
    const sql = `SET search_path TO "${name}";\n` + template.split(`"${names[0]}"`).join(`"${name}"`);
    writeFileSync(join(tmp, `${name}.sql`), sql);
  }
}

function baseline() {
  const db = freshTenantDb('psql');
  const cmd = `ls ${tmp}/*.sql | xargs -P ${C} -I{} psql ${urlOf(db)} -X -q -v ON_ERROR_STOP=1 -f {}`;
  const res = run('sh', ['-c', cmd]);
  if (res.status !== 0) throw new Error(`psql baseline exited ${res.status}: ${res.stderr.trim().split('\n')[0]}`);
  verify(db);
  dbs.drop(db);
  return res;
}

try {
  log(`fan-out: ${N} tenant schemas × 3 migrations, concurrency ${C}, ${R} round(s); ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}`);
  scriptFor();
  const samples = { ours: [], psql: [], rss: [], cpu: [] };
  for (let round = 1; round <= R; round++) {
    // Interleaved, so that the machine's load hits both alike.
    const a = ours(C);
    const b = baseline();
    samples.ours.push(a.secs);
    samples.psql.push(b.secs);
    if (a.rssMiB !== null) samples.rss.push(a.rssMiB);
    if (a.cpuSecs !== null) samples.cpu.push(a.cpuSecs);
    log(`round ${round}: ours ${a.secs.toFixed(2)} s (RSS ${a.rssMiB?.toFixed(0) ?? '?'} MiB), psql ${b.secs.toFixed(2)} s`);
  }
  const serial = ours(1);
  log(`serial (--concurrency 1): ${serial.secs.toFixed(2)} s`);
  const result = {
    tenants: N,
    migrations: 3,
    concurrency: C,
    rounds: R,
    cpus: cpus().length,
    oursSecs: median(samples.ours),
    psqlSecs: median(samples.psql),
    ratio: median(samples.ours) / median(samples.psql),
    target: TARGET,
    peakRssMiB: samples.rss.length ? Math.max(...samples.rss) : null,
    oursCpuSecs: median(samples.cpu),
    serialSecs: serial.secs,
    serialRssMiB: serial.rssMiB,
    speedup: serial.secs / median(samples.ours),
    samples,
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    const rows = [
      ['ours, --concurrency ' + C, `${result.oursSecs.toFixed(2)} s`, `${(result.oursSecs / N * 1000).toFixed(1)} ms/tenant`],
      ['psql, xargs -P ' + C, `${result.psqlSecs.toFixed(2)} s`, `${(result.psqlSecs / N * 1000).toFixed(1)} ms/tenant`],
      ['ours, --concurrency 1', `${result.serialSecs.toFixed(2)} s`, `${(result.serialSecs / N * 1000).toFixed(1)} ms/tenant`],
    ];
    for (const row of rows) console.log(row.map((cell, i) => (i ? cell.padStart(16) : cell.padEnd(24))).join(''));
    console.log(`ratio ours/psql: ${result.ratio.toFixed(2)} (target <= ${TARGET}) ${result.ratio <= TARGET ? 'PASS' : 'FAIL'}`);
    console.log(`peak RSS: ${HAS_TIME ? `${result.peakRssMiB.toFixed(0)} MiB` : 'n/a (no GNU time)'}; concurrency ${C} vs 1: ${result.speedup.toFixed(2)}× faster`);
  }
  process.exitCode = result.ratio <= TARGET ? 0 : 1;
} catch (error) {
  log(`fanout.bench: ${error.message}`);
  process.exitCode = 1;
} finally {
  cleanup();
}
