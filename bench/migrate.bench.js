#!/usr/bin/env node
'use strict';
/*
 * Migration benchmark: `db migrate` / `db current` / `db rollback` of dist/main.js against psql.
 *
 *   npm run build                              # once, if dist/main.js is missing
 *   node bench/migrate.bench.js [N] [R] [--json] [--keep]
 *
 *   N       number of generated migrations (default 1000), each one CREATE TABLE + CREATE INDEX
 *   R       repetitions per measurement; medians are reported (default 3)
 *   --json  print machine-readable results instead of the table
 *   --keep  keep the generated temp folder (its path is printed)
 *
 * Needs PostgreSQL at BENCH_PG_SERVER (default postgres://postgres@127.0.0.1:5432, trust auth) and psql on
 * PATH. Every measurement gets a fresh database named bench_<pid>_<label>_<k>; all are dropped at the end,
 * also on failure or Ctrl-C. Exit code: 0 if every step ran and every applicable target passed, 1 otherwise.
 * See bench/README.md.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { tmpdir, loadavg, cpus } = require('node:os');
const { generate } = require('./lib/generate');
const { run, median, HAS_TIME } = require('./lib/measure');
const { psql, urlOf, Databases } = require('./lib/pg');
const { parseArgs, requireBuild, staleSources } = require('./lib/setup');

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const { N, R, flags, json: JSON_OUT } = parseArgs('migrate.bench.js', { N: 1000, R: 3 });
requireBuild(MAIN);

const log = (msg) => process.stderr.write(`${msg}\n`);
const dbs = new Databases();
const tmp = mkdtempSync(join(tmpdir(), 'migrate-bench-'));
const samples = {}; // key -> seconds[]
const rss = {}; // key -> MiB[]
const failures = []; // { step, status, output }
let cleaned = false;

function cleanup() {
  if (cleaned) return;
  cleaned = true;
  dbs.dropAll();
  if (flags.has('--keep')) log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

/** Runs `node dist/main.js db <args>` against `db`; records time and RSS under `key` unless key is null. */
function product(key, db, args) {
  const res = run(process.execPath, [MAIN, 'db', ...args], {
    cwd: ROOT,
    rss: true,
    env: { DATABASE_URL: urlOf(db), MIGRATIONS_COMPILED_DIR: paths.migrationsDir, NO_COLOR: '1' },
  });
  if (res.status !== 0) {
    const output = `${res.stderr}${res.stdout}`.trim().split('\n').slice(-25).join('\n');
    failures.push({ step: `db ${args.join(' ')}`, status: res.status ?? res.signal, output });
    log(`  FAILED: db ${args.join(' ')} exited ${res.status ?? res.signal}\n${output}`);
    return null;
  }
  if (key) {
    (samples[key] ??= []).push(res.secs);
    if (res.rssMiB != null) (rss[key] ??= []).push(res.rssMiB);
  }
  return res;
}

/** One psql baseline run on a fresh database; a failure (e.g. psql -1 exhausting max_locks_per_transaction)
 * is reported and that baseline is not run again, but the benchmark carries on. */
const brokenBaselines = new Set();
function timePsql(key, label, file, extra) {
  if (brokenBaselines.has(key)) return;
  const db = dbs.fresh(label);
  const res = run('psql', [urlOf(db), '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...extra, '-f', file]);
  dbs.drop(db);
  if (res.status === 0) return void (samples[key] ??= []).push(res.secs);
  brokenBaselines.add(key);
  failures.push({ step: `baseline ${label}: psql ${extra.join(' ')} -f ${file}`, status: res.status, output: res.stderr.trim() });
  log(`  FAILED: baseline ${label}\n${res.stderr.trim()}`);
}

/** One `db migrate` from empty; returns the database if it ended at head with N ledger rows, else drops it. */
function migrateFromEmpty() {
  const db = dbs.fresh('c');
  const res = product('migrate', db, ['migrate']);
  const rows = res && Number(psql(db, ['-tAc', 'SELECT count(*) FROM migrations_ledger']).trim());
  if (res && rows === N) return db;
  if (res) failures.push({ step: 'db migrate', status: 0, output: `ledger has ${rows} rows, expected ${N}` });
  dbs.drop(db);
  return null;
}

log(`generating ${N} migrations in ${tmp} ...`);
const paths = generate(tmp, N);

try {
  // a, b and c are interleaved per repetition so that load drift on a shared machine hits all three alike.
  let applied = null; // a database at head, for d and e
  for (let i = 0; i < R; i++) {
    log(`[${i + 1}/${R}] a. psql -1 (one transaction)  b. psql, txn per migration + ledger INSERT  c. db migrate from empty`);
    timePsql('psql1', 'a', paths.allSql, ['-1']);
    timePsql('psqlTxn', 'b', paths.perTxnSql, []);
    const db = migrateFromEmpty();
    if (!db) break;
    if (applied) dbs.drop(applied);
    applied = db;
  }

  if (applied) {
    log(`d. db current x${R}, db rollback -s 1 x${R} (untimed db migrate in between)`);
    for (let i = 0; i < R; i++) if (!product('current', applied, ['current'])) break;
    for (let i = 0; i < R; i++) {
      if (!product('rollback', applied, ['rollback', '-s', '1'])) break;
      if (i < R - 1 && !product(null, applied, ['migrate'])) break;
    }
  } else {
    log('d. skipped: db migrate did not bring a database to head');
  }

  log(`e. node -e 0 x${R}, db heads x${R}`);
  for (let i = 0; i < R; i++) (samples.nodeBoot ??= []).push(run(process.execPath, ['-e', '0']).secs);
  const headsDb = applied ?? dbs.fresh('e');
  for (let i = 0; i < R; i++) if (!product('heads', headsDb, ['heads'])) break;
} catch (error) {
  failures.push({ step: 'benchmark', status: 'error', output: error.stack ?? String(error) });
} finally {
  cleanup();
}

// ---------------------------------------------------------------- report
const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const ratio = (x, y) => (med[x] != null && med[y] ? med[x] / med[y] : null);
const allRss = Object.values(rss).flat();
const peakMiB = allRss.length ? Math.max(...allRss) : null;
const quick = N <= 1000 ? { limit: 0.4, statedFor: 1000 } : N <= 5000 ? { limit: 0.6, statedFor: 5000 } : null;

const targets = [
  // The ratio depends on N (boot cost vs work), so it is only judged at the N it is stated for.
  { name: 'db migrate <= 1.3x psql -1', statedFor: 'N=1000 only', value: ratio('migrate', 'psql1'), limit: N === 1000 ? 1.3 : null, unit: 'x' },
  ...['current', 'rollback'].map((k) => ({
    name: `db ${k === 'rollback' ? 'rollback -s 1' : k} < ${quick ? quick.limit : '?'} s`,
    statedFor: quick ? `N=${quick.statedFor}` : 'N<=5000 (none stated for this N)',
    value: med[k] ?? null,
    limit: quick ? quick.limit : null,
    unit: 's',
    strict: true,
  })),
  { name: 'peak RSS < 150 MiB', statedFor: 'any N', value: peakMiB, limit: 150, unit: 'MiB', strict: true },
].map((t) => ({
  ...t,
  result: t.limit == null ? 'n/a' : t.value == null ? 'MISS' : (t.strict ? t.value < t.limit : t.value <= t.limit) ? 'PASS' : 'MISS',
}));

const results = {
  n: N, repeats: R, node: process.version, peakRssAvailable: HAS_TIME, cpus: cpus().length, loadAvgAtEnd: loadavg(),
  seconds: { median: med, samples },
  ratios: { migrateOverPsql1: ratio('migrate', 'psql1'), migrateOverPsqlTxn: ratio('migrate', 'psqlTxn') },
  ownWorkSeconds: { migrate: med.migrate != null && med.heads != null ? med.migrate - med.heads : null },
  peakRssMiB: { overall: peakMiB, ...Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, Math.max(...v)])) },
  targets, failures,
};

if (JSON_OUT) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const s = (x) => (x == null ? 'n/a' : x.toFixed(3));
  const mib = (k) => (rss[k] ? `${Math.max(...rss[k]).toFixed(1)}` : HAS_TIME ? '-' : 'n/a');
  const rows = [
    ['a', 'psql -1 -f all.sql (one transaction)', 'psql1'],
    ['b', 'psql -f, txn per migration + ledger INSERT', 'psqlTxn'],
    ['c', 'node dist/main.js db migrate (from empty)', 'migrate'],
    ['d', 'node dist/main.js db current', 'current'],
    ['d', 'node dist/main.js db rollback -s 1', 'rollback'],
    ['e', 'node -e 0', 'nodeBoot'],
    ['e', 'node dist/main.js db heads', 'heads'],
  ];
  console.log(`\nN=${N} migrations, R=${R}, node ${process.version}, ${results.cpus} CPUs, load avg ${results.loadAvgAtEnd.map((l) => l.toFixed(2)).join(' ')}\n(wall seconds; median over R, min-max in brackets)\n`);
  console.log(`   ${'step'.padEnd(46)}${'median'.padStart(9)}  ${'[min - max]'.padEnd(17)}${'peak MiB'.padStart(9)}`);
  for (const [tag, label, key] of rows) {
    const v = samples[key] ?? [];
    const range = v.length ? `[${s(Math.min(...v))} - ${s(Math.max(...v))}]` : '';
    console.log(`${tag}  ${label.padEnd(46)}${s(med[key]).padStart(9)}  ${range.padEnd(17)}${mib(key).padStart(9)}`);
  }
  const r = results.ratios;
  const x = (v) => (v == null ? 'n/a' : `${v.toFixed(3)}x`);
  console.log(`\nc/a = ${x(r.migrateOverPsql1)}   c/b = ${x(r.migrateOverPsqlTxn)}   ` +
    `c - heads (migrate work beyond boot) = ${s(results.ownWorkSeconds.migrate)} s   ` +
    `peak RSS = ${peakMiB == null ? 'n/a' : `${peakMiB.toFixed(1)} MiB`}`);
  console.log('\ntargets:');
  for (const t of targets) {
    const v = t.value == null ? 'n/a' : `${t.value.toFixed(t.unit === 'x' ? 3 : t.unit === 's' ? 3 : 1)}${t.unit === 'x' ? 'x' : ` ${t.unit}`}`;
    console.log(`  ${t.result.padEnd(5)} ${t.name.padEnd(28)} measured ${v.padEnd(12)} (target stated for ${t.statedFor})`);
  }
  for (const f of failures) console.log(`\nFAILURE in ${f.step} (exit ${f.status}):\n${f.output}`);
}
process.exitCode = failures.length || targets.some((t) => t.result.startsWith('MISS')) ? 1 : 0;
