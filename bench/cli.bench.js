#!/usr/bin/env node
'use strict';
/*
 * CLI benchmark: our `db current`, `db rollback -s 1` and `db migrate` against knex's CLI and psql on the same
 * generated history, in one run, with the targets of the performance issue.
 *
 *   npm run build                                # once: the benchmark runs dist/main.js
 *   node bench/cli.bench.js [N[,N...]] [R] [--json] [--keep]
 *   node bench/cli.bench.js                      # the reference run: N=1000,5000, R=7 (~10 min)
 *   node bench/cli.bench.js 100 3                # smoke run
 *
 * knex 3 runs through its own CLI from bench/node_modules, installed from bench/package.json on first run.
 * Databases are named bench_perf_<pid>_<label>_<k>; all are dropped at the end, also on failure or Ctrl-C.
 * Exit code: 0 if every step ran and every applicable target passed, 1 otherwise. See bench/README.md.
 */
const { mkdirSync, mkdtempSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { tmpdir, loadavg, cpus } = require('node:os');
const { generate } = require('./lib/generate');
const { ensureBenchDeps } = require('./lib/bench-deps');
const { writeKnexProject, knexCommand } = require('./lib/knex');
const { run, median, HAS_TIME } = require('./lib/measure');
const { psql, urlOf, Databases } = require('./lib/pg');
const { requireBuild, staleSources } = require('./lib/setup');

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const LEDGER = 'migrations_ledger';

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [nArg, rArg] = args.filter((a) => !a.startsWith('--'));
const NS = (nArg ?? '1000,5000').split(',').map(Number);
const R = rArg ? Number(rArg) : 7;
if (!NS.every((n) => Number.isInteger(n) && n >= 2) || !Number.isInteger(R) || R < 1 || [...flags].some((f) => !['--json', '--keep'].includes(f))) {
  console.error('usage: node bench/cli.bench.js [N[,N...] each >= 2] [R >= 1] [--json] [--keep]');
  process.exit(2);
}
/** `db migrate` from empty is compared with psql (R interleaved runs) at one N: 1000 if listed, else the smallest. */
const MIGRATE_N = NS.includes(1000) ? 1000 : Math.min(...NS);

requireBuild(MAIN);
const log = (msg) => process.stderr.write(`${msg}\n`);
ensureBenchDeps(log);

const dbs = new Databases('bench_perf');
const tmp = mkdtempSync(join(tmpdir(), 'cli-bench-'));
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  dbs.dropAll();
  if (flags.has('--keep')) log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

// ---------------------------------------------------------------- measuring
const results = {}; // n -> { samples: key -> wall secs[], cpu: key -> CPU secs[], rss: key -> MiB[] }
const failures = []; // { n, step, status, output }
const retried = []; // failures of attempts that were run again (see retryingLockTable)
class StepFailed extends Error {}

/**
 * Runs one whole process; records its wall time and peak RSS under `key` (unless key is null, i.e. a warm-up or
 * set-up run), after checking its exit code and, with `expect`, its output. A failure ends the current N.
 */
function measure(n, key, label, [cmd, argv, cwd], env, expect) {
  const res = run(cmd, argv, { cwd, env, rss: true });
  const output = `${res.stdout}${res.stderr}`;
  const bad = res.status !== 0 ? `exited ${res.status ?? res.signal}` : expect && !expect.test(output) ? `output lacks ${expect}` : null;
  if (bad) {
    const tail = output.trim().split('\n').slice(-20).join('\n');
    failures.push({ n, step: label, status: bad, output: tail });
    log(`  FAILED (N=${n}): ${label}: ${bad}\n${tail}`);
    throw new StepFailed(label);
  }
  if (key) {
    const r = (results[n] ??= { samples: {}, cpu: {}, rss: {} });
    (r.samples[key] ??= []).push(res.secs);
    if (res.cpuSecs != null) (r.cpu[key] ??= []).push(res.cpuSecs);
    if (res.rssMiB != null) (r.rss[key] ??= []).push(res.rssMiB);
  }
  return res;
}

const ours = (db, dir, argv) => ({
  cmd: [process.execPath, [MAIN, 'db', ...argv], ROOT],
  env: { DATABASE_URL: urlOf(db), MIGRATIONS_COMPILED_DIR: dir, NO_COLOR: '1' },
});
const knex = (db, project, argv) => ({ cmd: knexCommand(project, argv), env: { KNEX_DATABASE_URL: urlOf(db), NO_COLOR: '1' } });
const count = (db, table) => Number(psql(db, ['-tAc', `SELECT count(*) FROM ${table}`]).trim());
function expectCount(n, db, table, want, step) {
  const got = count(db, table);
  if (got === want) return;
  failures.push({ n, step, status: 'wrong state', output: `${table} has ${got} rows, expected ${want}` });
  throw new StepFailed(step);
}

/**
 * Runs `step` again (up to twice) when it failed for the server's lock table: it is shared by every session of
 * the cluster, and another client creating thousands of tables in one transaction can exhaust it for all.
 * The failed attempt is listed under `retried` in the report.
 */
function retryingLockTable(step) {
  for (let attempt = 1; ; attempt++) {
    try {
      return step();
    } catch (error) {
      const last = failures[failures.length - 1];
      if (!(error instanceof StepFailed) || attempt === 3 || !/out of shared memory/.test(last?.output ?? '')) throw error;
      retried.push(failures.pop());
      log(`  retrying: ${last.step} (attempt ${attempt + 1})`);
    }
  }
}

// ---------------------------------------------------------------- one N
function benchN(n) {
  const dir = join(tmp, `n${n}`);
  mkdirSync(dir);
  log(`\n== N=${n}: generating ${n} migrations (ours, knex, psql scripts) in ${dir}`);
  const paths = generate(dir, n);
  const project = writeKnexProject(join(dir, 'knex'), paths.migrations);
  const mine = (db, argv) => ours(db, paths.migrationsDir, argv);
  const run1 = (key, label, { cmd, env }, expect) => measure(n, key, label, cmd, env, expect);
  const psqlRun = (key, label, db, file, extra) =>
    measure(n, key, label, ['psql', [urlOf(db), '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...extra, '-f', file], ROOT], {});

  // 1. db migrate from empty. At MIGRATE_N: against psql -1 and psql with a transaction per migration, R
  //    interleaved rounds (rotating order) after one untimed round; elsewhere once, for its time and peak RSS.
  const migrateFromEmpty = (key) => {
    const db = dbs.fresh('ours');
    try {
      run1(key, 'db migrate (from empty)', mine(db, ['migrate']));
      expectCount(n, db, LEDGER, n, 'db migrate (from empty)');
    } catch (error) {
      dbs.drop(db);
      throw error;
    }
    return db;
  };
  let applied;
  if (n === MIGRATE_N) {
    const steps = [
      (k) => { const db = dbs.fresh('psql1'); try { psqlRun(k && 'psql1', 'psql -1 -f all.sql', db, paths.allSql, ['-1']); } finally { dbs.drop(db); } },
      (k) => { const db = dbs.fresh('psqltxn'); try { psqlRun(k && 'psqlTxn', 'psql -f per-txn.sql', db, paths.perTxnSql, []); } finally { dbs.drop(db); } },
      (k) => { if (applied) dbs.drop(applied); applied = migrateFromEmpty(k && 'migrate'); },
    ];
    for (let i = -1; i < R; i++) {
      log(i < 0 ? '  migrate vs psql: warm-up round' : `  migrate vs psql: round ${i + 1}/${R}`);
      for (let j = 0; j < steps.length; j++) steps[(j + Math.max(i, 0)) % steps.length](i >= 0);
    }
  } else {
    log('  db migrate from empty, once (warm-up: db heads, which writes the migration index)');
    const warm = dbs.fresh('warm');
    run1(null, 'db heads (warm-up)', mine(warm, ['heads']));
    dbs.drop(warm);
    applied = retryingLockTable(() => migrateFromEmpty('migrate'));
  }

  // 2. knex's database: the same history through knex (untimed), the last migration in a batch of its own so
  //    that `migrate:rollback` (which reverts the last batch) reverts one migration, as `db rollback -s 1` does.
  log('  knex set-up: migrate:latest, migrate:down, migrate:up');
  const kdb = dbs.fresh('knex');
  retryingLockTable(() => measure(n, null, 'knex migrate:latest', knexCommand(project, ['migrate:latest', '--disable-transactions']), { KNEX_DATABASE_URL: urlOf(kdb) }));
  run1(null, 'knex migrate:down', knex(kdb, project, ['migrate:down']));
  run1(null, 'knex migrate:up', knex(kdb, project, ['migrate:up']));
  expectCount(n, kdb, 'knex_migrations', n, 'knex set-up');

  // 3. Read and rollback commands, R interleaved rounds after one untimed round; the tool that goes first
  //    alternates. Each rollback is followed by the re-apply of that migration (recorded, not judged).
  const UP_TO_DATE = /Database is up to date\./;
  const KNEX_NOTHING_PENDING = /No Pending Migration files Found\./;
  const oursRound = (timed) => {
    run1(timed && 'current', 'db current', mine(applied, ['current']), UP_TO_DATE);
    run1(timed && 'rollback', 'db rollback -s 1', mine(applied, ['rollback', '-s', '1']));
    expectCount(n, applied, LEDGER, n - 1, 'db rollback -s 1');
    run1(timed && 'reapply', 'db migrate (1 pending)', mine(applied, ['migrate']));
    expectCount(n, applied, LEDGER, n, 'db migrate (1 pending)');
  };
  const knexRound = (timed) => {
    run1(timed && 'knexStatus', 'knex migrate:status', knex(kdb, project, ['migrate:status']), KNEX_NOTHING_PENDING);
    run1(timed && 'knexRollback', 'knex migrate:rollback', knex(kdb, project, ['migrate:rollback']), /rolled back: 1 migrations/);
    expectCount(n, kdb, 'knex_migrations', n - 1, 'knex migrate:rollback');
    run1(timed && 'knexUp', 'knex migrate:up', knex(kdb, project, ['migrate:up']));
    expectCount(n, kdb, 'knex_migrations', n, 'knex migrate:up');
  };
  for (let i = -1; i < R; i++) {
    log(i < 0 ? '  current/rollback vs knex: warm-up round' : `  current/rollback vs knex: round ${i + 1}/${R}`);
    const timed = i >= 0;
    if (i % 2 === 0) { oursRound(timed); knexRound(timed); } else { knexRound(timed); oursRound(timed); }
    if (timed) run1('nodeBoot', 'node -e 0', { cmd: [process.execPath, ['-e', '0'], ROOT], env: {} });
  }
}

const started = Date.now();
const load0 = loadavg();
try {
  for (const n of NS) {
    try {
      benchN(n);
    } catch (error) {
      if (!(error instanceof StepFailed)) failures.push({ n, step: 'benchmark', status: 'error', output: error.stack ?? String(error) });
    }
  }
} finally {
  cleanup();
}

// ---------------------------------------------------------------- report
const med = (n, k) => median(results[n]?.samples[k] ?? []);
const cpuMed = (n, k) => median(results[n]?.cpu[k] ?? []);
const ratioOfMedians = (n, a, b) => (med(n, a) != null && med(n, b) ? med(n, a) / med(n, b) : null);
/** Per-round ratios (round i of `a` over round i of `b`): they cancel load drift between rounds. */
function pairedRatios(n, a, b) {
  const xs = results[n]?.samples[a] ?? [];
  const ys = results[n]?.samples[b] ?? [];
  return xs.slice(0, ys.length).map((x, i) => x / ys[i]);
}
const peak = (n, k) => (results[n]?.rss[k]?.length ? Math.max(...results[n].rss[k]) : null);

const OURS = ['migrate', 'current', 'rollback', 'reapply'];
const targets = [];
for (const n of NS) {
  if (n === 1000 || n === 5000) {
    targets.push({ n, name: 'db current <= 1.2x knex migrate:status', a: 'current', b: 'knexStatus', limit: 1.2 });
    targets.push({ n, name: 'db rollback -s 1 <= 1.2x knex migrate:rollback', a: 'rollback', b: 'knexRollback', limit: 1.2 });
  }
  if (n === 1000) {
    targets.push({ n, name: 'db migrate <= 1.3x psql -1', a: 'migrate', b: 'psql1', limit: 1.3 });
    targets.push({ n, name: 'db migrate <= 1.1x psql, txn per migration', a: 'migrate', b: 'psqlTxn', limit: 1.1 });
  }
  if (n === 5000) {
    for (const k of OURS) targets.push({ n, name: `peak RSS of ${k} <= 150 MiB`, rssOf: k, limit: 150 });
  }
}
for (const t of targets) {
  if (t.rssOf) {
    t.value = peak(t.n, t.rssOf);
    t.unit = 'MiB';
  } else {
    t.value = ratioOfMedians(t.n, t.a, t.b);
    t.unit = 'x';
    const p = pairedRatios(t.n, t.a, t.b);
    t.paired = p.length ? { median: median(p), min: Math.min(...p), max: Math.max(...p) } : null;
    // The same ratio in CPU time (user + system): it moves far less with the machine's load than wall time.
    // Only against knex: psql's CPU time leaves out the server, which does nearly all of that work.
    t.cpuRatio = t.b.startsWith('knex') && cpuMed(t.n, t.a) != null && cpuMed(t.n, t.b) ? cpuMed(t.n, t.a) / cpuMed(t.n, t.b) : null;
  }
  t.result = t.value == null ? 'MISS (not measured)' : t.value <= t.limit ? 'PASS' : 'MISS';
}

const report = {
  ns: NS, repeats: R, migrateComparedAt: MIGRATE_N, node: process.version, cpus: cpus().length,
  loadAvg: { start: load0, end: loadavg() }, minutes: (Date.now() - started) / 60000, peakRssAvailable: HAS_TIME,
  staleBuild: staleSources(MAIN),
  results: Object.fromEntries(NS.map((n) => [n, {
    median: Object.fromEntries(Object.keys(results[n]?.samples ?? {}).map((k) => [k, med(n, k)])),
    cpuMedian: Object.fromEntries(Object.keys(results[n]?.cpu ?? {}).map((k) => [k, cpuMed(n, k)])),
    samples: results[n]?.samples ?? {},
    cpuSamples: results[n]?.cpu ?? {},
    peakRssMiB: Object.fromEntries(Object.keys(results[n]?.rss ?? {}).map((k) => [k, peak(n, k)])),
  }])),
  targets, failures, retried,
};

if (flags.has('--json')) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const s = (x) => (x == null ? 'n/a' : x.toFixed(3));
  const rows = [
    ['psql1', 'psql -1 -f all.sql (one transaction)'],
    ['psqlTxn', 'psql -f per-txn.sql (txn per migration)'],
    ['migrate', 'db migrate (from empty)'],
    ['current', 'db current'],
    ['knexStatus', 'knex migrate:status'],
    ['rollback', 'db rollback -s 1'],
    ['knexRollback', 'knex migrate:rollback'],
    ['reapply', 'db migrate (1 pending)'],
    ['knexUp', 'knex migrate:up (1 pending)'],
    ['nodeBoot', 'node -e 0'],
  ];
  console.log(`\nnode ${process.version}, ${report.cpus} CPUs, load avg ${load0.map((l) => l.toFixed(1)).join(' ')} at start, ` +
    `${report.loadAvg.end.map((l) => l.toFixed(1)).join(' ')} at end, ${report.minutes.toFixed(1)} min`);
  if (report.staleBuild.length) console.log(`WARNING: ${report.staleBuild.length} library source(s) newer than dist/main.js: run \`npm run build\``);
  for (const n of NS) {
    console.log(`\nN=${n} (whole processes: wall seconds, median [min - max] of n runs; CPU seconds (user + sys), median; peak RSS MiB, max)`);
    console.log(`  ${'command'.padEnd(42)}${'wall'.padStart(8)}  ${'[min - max]'.padEnd(17)}${'n'.padStart(3)}${'CPU'.padStart(8)}${'RSS'.padStart(8)}`);
    for (const [k, label] of rows) {
      const v = results[n]?.samples[k];
      if (!v) continue;
      const range = `[${s(Math.min(...v))} - ${s(Math.max(...v))}]`;
      const r = peak(n, k);
      const c = cpuMed(n, k);
      console.log(`  ${label.padEnd(42)}${s(med(n, k)).padStart(8)}  ${range.padEnd(17)}${String(v.length).padStart(3)}${(c == null ? '' : c.toFixed(2)).padStart(8)}${(r == null ? '' : r.toFixed(1)).padStart(8)}`);
    }
  }
  console.log('\ntargets (ratio of wall medians, judged; per-round ratios median [min - max] as spread; the same ratio in CPU time):');
  for (const t of targets) {
    const v = t.value == null ? 'n/a' : t.unit === 'x' ? `${t.value.toFixed(2)}x` : `${t.value.toFixed(1)} MiB`;
    const spread = t.paired
      ? `  per round ${t.paired.median.toFixed(2)}x [${t.paired.min.toFixed(2)} - ${t.paired.max.toFixed(2)}]${t.cpuRatio == null ? '' : `  CPU ${t.cpuRatio.toFixed(2)}x`}`
      : '';
    console.log(`  ${t.result.padEnd(5)} N=${String(t.n).padEnd(5)} ${t.name.padEnd(46)} ${v.padStart(10)}${spread}`);
  }
  for (const f of retried) console.log(`\nretried at N=${f.n}: ${f.step} (${f.status}): ${f.output.split('\n').pop()}`);
  for (const f of failures) console.log(`\nFAILURE at N=${f.n} in ${f.step} (${f.status}):\n${f.output}`);
}
process.exitCode = failures.length || targets.some((t) => t.result !== 'PASS') ? 1 : 0;
