#!/usr/bin/env node
'use strict';
/*
 * Generate benchmark: `db migrate -m` of a generated app of N entities against TypeORM's own
 * `migration:generate` on the same entities, in the same run; reports both and the ratio.
 *
 *   npm run build                              # once: the app loads libs/migrations/dist/index.js
 *   node bench/generate.bench.js [N] [R] [--json] [--keep]
 *
 *   N       number of generated entities (default 200)
 *   R       repetitions per measurement, interleaved; medians are reported (default 3)
 *   --json  print machine-readable results instead of the table
 *   --keep  keep the generated temp folder (its path is printed)
 *
 * Two cases, each timed for both tools as a user runs them (wall time of the whole process):
 *   1. initial:     every table missing, fresh empty database -> one file with N CREATE TABLE
 *   2. incremental: database at head with all N tables, one entity gains a column -> one file, one ALTER TABLE
 * Needs PostgreSQL at BENCH_PG_SERVER (default postgres://postgres@127.0.0.1:5432, trust auth) and psql on
 * PATH. Every measurement gets a fresh database bench_<pid>_<label>_<k>; all are dropped at the end, also
 * on failure or Ctrl-C. No target is set for this comparison, so nothing is judged PASS/MISS.
 * Exit code: 0 if every step ran and every generated file checked out, 1 otherwise. See bench/README.md.
 */
const { mkdtempSync, mkdirSync, rmSync, existsSync, readdirSync, readFileSync, copyFileSync } = require('node:fs');
const { join, resolve, basename } = require('node:path');
const { tmpdir, loadavg, cpus } = require('node:os');
const { generateApp, transpileMigration } = require('./lib/entities');
const { run, median, HAS_TIME } = require('./lib/measure');
const { psql, urlOf, Databases } = require('./lib/pg');
const { parseArgs, requireBuild, staleSources } = require('./lib/setup');

const ROOT = resolve(__dirname, '..');
const DIST_INDEX = join(ROOT, 'libs', 'migrations', 'dist', 'index.js');
const { N, R, flags, json: JSON_OUT } = parseArgs('generate.bench.js', { N: 200, R: 3, minN: 2 });
requireBuild(DIST_INDEX);

const log = (msg) => process.stderr.write(`${msg}\n`);

const stale = staleSources(DIST_INDEX);
if (stale.length) log(`warning: dist may be stale, sources newer than the build: ${stale.join(', ')}`);

const dbs = new Databases();
const tmp = mkdtempSync(join(tmpdir(), 'generate-bench-'));
const samples = {}; // key -> seconds[]
const rss = {}; // key -> MiB[]
const failures = []; // { step, status, output }
const files = {}; // key -> counts of the last generated file checked
let cleaned = false;

function cleanup() {
  if (cleaned) return;
  cleaned = true;
  dbs.dropAll();
  // Shadow databases are named after the app's database (`<db>_shadow_<hex>`, templates `<db>_shadow_tpl_<key>`):
  // clones are dropped by the product, templates with their database; whatever is left under this run's prefix goes too.
  try {
    const left = psql('postgres', ['-tAc', `SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_${process.pid}\\_%'`])
      .split('\n').filter(Boolean);
    for (const name of left) {
      log(`note: dropping leftover database ${name}`);
      dbs.drop(name);
    }
  } catch (error) {
    log(`warning: could not list leftover databases: ${error.message}`);
  }
  if (flags.has('--keep')) log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

log(`generating ${N} entities in ${tmp} ...`);
const app = generateApp(join(tmp, 'app'), N, ROOT);
const appDir = join(tmp, 'app');

const OURS = (args) => [process.execPath, [app.oursMain, 'db', ...args]];
const TYPEORM = (args) => [process.execPath, [app.typeormCli, ...args, '-d', app.dataSource]];

/** Runs one command; records wall time and RSS under `key` unless key is null. Returns the result or null. */
function timed(key, label, [cmd, args], db, migrationsDir) {
  const res = run(cmd, args, {
    cwd: appDir,
    rss: true,
    env: { DATABASE_URL: urlOf(db), BENCH_MIGRATIONS_DIR: migrationsDir, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (res.status !== 0) {
    // Our tool's stderr is reported in full (it is the product's error report); stdout tail after it.
    const output = [res.stderr.trim(), res.stdout.trim().split('\n').slice(-15).join('\n')].filter(Boolean).join('\n--- stdout (tail):\n');
    failures.push({ step: label, status: res.status ?? res.signal, output });
    log(`  FAILED: ${label} exited ${res.status ?? res.signal}\n${output}`);
    return null;
  }
  if (key) {
    (samples[key] ??= []).push(res.secs);
    if (res.rssMiB != null) (rss[key] ??= []).push(res.rssMiB);
  }
  return res;
}

/** Migration files (not dotfiles) in `dir`. */
const migrationFiles = (dir, ext) => (existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.') && f.endsWith(ext)).sort() : []);

/** Counts in the `up` part of a generated migration. */
function countsOf(file) {
  const text = readFileSync(file, 'utf8');
  const up = text.split(/async down\s*\(/)[0];
  const count = (re) => (up.match(re) ?? []).length;
  return {
    file: basename(file),
    bytes: text.length,
    statements: count(/queryRunner\.query\(/g),
    createTable: count(/CREATE TABLE/g),
    createIndex: count(/CREATE (UNIQUE )?INDEX/g),
    foreignKeys: count(/FOREIGN KEY/g),
    addColumn: count(/ALTER TABLE "[^"]+" ADD "/g),
  };
}

/** Checks that `dir` gained exactly one migration file (besides `before`) matching `expect`; returns its path. */
function checkGenerated(key, label, dir, ext, before, expect) {
  const added = migrationFiles(dir, ext).filter((f) => !before.includes(f));
  if (added.length !== 1) {
    failures.push({ step: label, status: 0, output: `expected exactly one new ${ext} file in ${dir}, found ${added.length}: ${added.join(', ')}` });
    return null;
  }
  const file = join(dir, added[0]);
  const counts = countsOf(file);
  files[key] = counts;
  const wrong = Object.entries(expect).filter(([k, v]) => counts[k] !== v);
  if (wrong.length) {
    failures.push({ step: label, status: 0, output: `${added[0]}: ${wrong.map(([k, v]) => `${k} = ${counts[k]}, expected ${v}`).join('; ')}` });
    return null;
  }
  return file;
}

/** Drops a measurement's database and its cached shadow template (`<db>_shadow_tpl_<key>`; names here are short). */
function dropWithShadows(db) {
  const shadows = psql('postgres', ['-tAc', `SELECT datname FROM pg_database WHERE datname LIKE '${db.replace(/_/g, '\\_')}\\_shadow\\_%'`]).split('\n').filter(Boolean);
  for (const name of shadows) psql('postgres', ['-q', '-c', `DROP DATABASE IF EXISTS "${name}"`]);
  dbs.drop(db);
}

const runsDir = join(tmp, 'runs');
let oursInitial = null; // a checked initial migration of each tool, reused to bring the incremental case to head
let typeormInitial = null;

function oursInitialCase(k) {
  const db = dbs.fresh('oi');
  const dir = join(runsDir, `ours-initial-${k}`);
  mkdirSync(dir, { recursive: true }); // the migrations folder a project has (the product refuses a missing one)
  const label = 'ours: db migrate -m "initial" (empty database)';
  if (timed('oursInitial', label, OURS(['migrate', '-m', 'initial']), db, dir)) {
    oursInitial = checkGenerated('oursInitial', label, dir, '.ts', [], { createTable: N }) ?? oursInitial;
  }
  dropWithShadows(db);
}

function typeormInitialCase(k) {
  const db = dbs.fresh('ti');
  const dir = join(runsDir, `typeorm-initial-${k}`);
  const label = 'typeorm: migration:generate -o (empty database)';
  if (timed('typeormInitial', label, TYPEORM(['migration:generate', '-o', join(dir, 'Initial')]), db, dir)) {
    typeormInitial = checkGenerated('typeormInitial', label, dir, '.js', [], { createTable: N }) ?? typeormInitial;
  }
  dbs.drop(db);
}

const INCREMENTAL = { createTable: 0, statements: 1, addColumn: 1 };

function oursIncrementalCase(k) {
  if (!oursInitial) return log('  ours incremental: skipped (no initial migration)');
  const db = dbs.fresh('oc');
  const dir = join(runsDir, `ours-incremental-${k}`);
  mkdirSync(dir, { recursive: true });
  const ts = join(dir, basename(oursInitial));
  copyFileSync(oursInitial, ts);
  transpileMigration(ts, ROOT); // what the user's `npm run build` does before `db migrate`
  try {
    app.setChanged(false);
    if (!timed('oursApply', 'ours: db migrate (apply the initial migration)', OURS(['migrate']), db, dir)) return;
    if (!timed('oursBoot', 'ours: db current', OURS(['current']), db, dir)) return;
    const before = migrationFiles(dir, '.ts');
    app.setChanged(true);
    const label = `ours: db migrate -m "add extra note" (at head, ${app.changedTable} gains a column; cold: no cached shadow)`;
    const generated = timed('oursIncremental', label, OURS(['migrate', '-m', 'add extra note']), db, dir)
      ? checkGenerated('oursIncremental', label, dir, '.ts', before, INCREMENTAL)
      : null;
    if (!generated) return;
    // Warm: the same generate again (the file deleted), now that the history's shadow template exists, as it
    // does for every generate after the first on a history (a new migration replays alone; see docs/options.md).
    rmSync(generated);
    const warm = `ours: db migrate -m "add extra note" again (warm: cached shadow template)`;
    if (timed('oursIncrementalWarm', warm, OURS(['migrate', '-m', 'add extra note']), db, dir)) {
      checkGenerated('oursIncrementalWarm', warm, dir, '.ts', before, INCREMENTAL);
    }
  } finally {
    app.setChanged(false);
    dropWithShadows(db);
  }
}

function typeormIncrementalCase(k) {
  if (!typeormInitial) return log('  typeorm incremental: skipped (no initial migration)');
  const db = dbs.fresh('tc');
  const dir = join(runsDir, `typeorm-incremental-${k}`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(typeormInitial, join(dir, basename(typeormInitial)));
  try {
    app.setChanged(false);
    if (!timed('typeormApply', 'typeorm: migration:run (apply the initial migration)', TYPEORM(['migration:run']), db, dir)) return;
    if (!timed('typeormBoot', 'typeorm: migration:show', TYPEORM(['migration:show']), db, dir)) return;
    const before = migrationFiles(dir, '.js');
    app.setChanged(true);
    const label = `typeorm: migration:generate -o (at head, ${app.changedTable} gains a column)`;
    if (timed('typeormIncremental', label, TYPEORM(['migration:generate', '-o', join(dir, 'AddExtraNote')]), db, dir)) {
      checkGenerated('typeormIncremental', label, dir, '.js', before, INCREMENTAL);
    }
  } finally {
    app.setChanged(false);
    dbs.drop(db);
  }
}

try {
  for (let k = 0; k < R; k++) {
    // Interleaved, and the order alternates, so that load drift and cache warm-up hit both tools alike.
    const oursFirst = k % 2 === 0;
    log(`[${k + 1}/${R}] 1. initial (${oursFirst ? 'ours, typeorm' : 'typeorm, ours'})`);
    for (const f of oursFirst ? [oursInitialCase, typeormInitialCase] : [typeormInitialCase, oursInitialCase]) f(k);
    log(`[${k + 1}/${R}] 2. incremental (${oursFirst ? 'ours, typeorm' : 'typeorm, ours'})`);
    for (const f of oursFirst ? [oursIncrementalCase, typeormIncrementalCase] : [typeormIncrementalCase, oursIncrementalCase]) f(k);
  }
  log(`node -e 0 x${R}`);
  for (let i = 0; i < R; i++) (samples.nodeBoot ??= []).push(run(process.execPath, ['-e', '0']).secs);
} catch (error) {
  failures.push({ step: 'benchmark', status: 'error', output: error.stack ?? String(error) });
} finally {
  cleanup();
}

// ---------------------------------------------------------------- report
const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const ratio = (x, y) => (med[x] != null && med[y] ? med[x] / med[y] : null);
const peak = (k) => (rss[k] ? Math.max(...rss[k]) : null);
const beyondBoot = (x, boot) => (med[x] != null && med[boot] != null ? med[x] - med[boot] : null);

const results = {
  n: N, repeats: R, node: process.version, cpus: cpus().length, loadAvgAtEnd: loadavg(), peakRssAvailable: HAS_TIME,
  changedTable: app.changedTable,
  distStaleSources: stale,
  seconds: {
    median: med,
    min: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.min(...v)])),
    max: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.max(...v)])),
    samples,
  },
  ratios: {
    initial: ratio('oursInitial', 'typeormInitial'),
    incremental: ratio('oursIncremental', 'typeormIncremental'),
    incrementalWarm: ratio('oursIncrementalWarm', 'typeormIncremental'),
    boot: ratio('oursBoot', 'typeormBoot'),
    apply: ratio('oursApply', 'typeormApply'),
  },
  beyondBootSeconds: {
    oursInitial: beyondBoot('oursInitial', 'oursBoot'),
    typeormInitial: beyondBoot('typeormInitial', 'typeormBoot'),
    oursIncremental: beyondBoot('oursIncremental', 'oursBoot'),
    oursIncrementalWarm: beyondBoot('oursIncrementalWarm', 'oursBoot'),
    typeormIncremental: beyondBoot('typeormIncremental', 'typeormBoot'),
  },
  peakRssMiB: Object.fromEntries(Object.keys(rss).map((k) => [k, peak(k)])),
  generatedFiles: files,
  failures,
};

if (JSON_OUT) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const s = (x) => (x == null ? 'n/a' : x.toFixed(3));
  const x = (v) => (v == null ? 'n/a' : `${v.toFixed(2)}x`);
  const mib = (k) => (rss[k] ? peak(k).toFixed(1) : HAS_TIME ? '-' : 'n/a');
  const row = (label, key) => {
    const v = samples[key] ?? [];
    const range = v.length ? `[${s(Math.min(...v))} - ${s(Math.max(...v))}]` : '';
    console.log(`   ${label.padEnd(44)}${s(med[key]).padStart(8)}  ${range.padEnd(17)}${mib(key).padStart(9)}`);
  };
  const q = (key, k) => (files[key] ? files[key][k] : 'n/a');
  console.log(`\nN=${N} entities, R=${R}, node ${process.version}, ${results.cpus} CPUs, load avg ${results.loadAvgAtEnd.map((l) => l.toFixed(2)).join(' ')}` +
    `\n(wall seconds of the whole process; median over R, min-max in brackets; ratio = median ours / median typeorm)`);
  if (stale.length) console.log(`warning: dist is older than ${stale.join(', ')}: this measures the build, not those edits`);
  console.log(`\n   ${''.padEnd(44)}${'median'.padStart(8)}  ${'[min - max]'.padEnd(17)}${'peak MiB'.padStart(9)}`);
  console.log(`1. initial: fresh empty database, ${N} entities -> ${N} CREATE TABLE`);
  row('ours     db migrate -m "initial"', 'oursInitial');
  row('typeorm  migration:generate -o', 'typeormInitial');
  console.log(`   ratio ours/typeorm = ${x(results.ratios.initial)}`);
  console.log(`2. incremental: at head with ${N} tables, ${app.changedTable} gains one column`);
  row('ours     db migrate -m (cold: no template)', 'oursIncremental');
  row('ours     db migrate -m (warm: cached template)', 'oursIncrementalWarm');
  row('typeorm  migration:generate -o', 'typeormIncremental');
  console.log(`   ratio ours/typeorm = ${x(results.ratios.incremental)} cold, ${x(results.ratios.incrementalWarm)} warm`);
  console.log('reference (same runs, at head):');
  row('ours     db current (boot + connect)', 'oursBoot');
  row('typeorm  migration:show (boot + connect)', 'typeormBoot');
  row(`ours     db migrate (apply the initial)`, 'oursApply');
  row(`typeorm  migration:run (apply the initial)`, 'typeormApply');
  row('node -e 0', 'nodeBoot');
  const b = results.beyondBootSeconds;
  console.log(`\nbeyond boot (generate median - boot median): initial ours ${s(b.oursInitial)} s, typeorm ${s(b.typeormInitial)} s;` +
    ` incremental ours ${s(b.oursIncremental)} s cold, ${s(b.oursIncrementalWarm)} s warm, typeorm ${s(b.typeormIncremental)} s`);
  console.log('\ngenerated files, up() only       ours   typeorm   (initial | incremental)');
  for (const [label, k] of [['statements', 'statements'], ['CREATE TABLE', 'createTable'], ['CREATE [UNIQUE] INDEX', 'createIndex'],
    ['FOREIGN KEY', 'foreignKeys'], ['ALTER TABLE ... ADD column', 'addColumn']]) {
    console.log(`  ${label.padEnd(30)}${String(q('oursInitial', k)).padStart(7)}${String(q('typeormInitial', k)).padStart(10)}   |` +
      `${String(q('oursIncremental', k)).padStart(7)}${String(q('typeormIncremental', k)).padStart(10)}`);
  }
  for (const f of failures) console.log(`\nFAILURE in ${f.step} (exit ${f.status}):\n${f.output}`);
}
process.exitCode = failures.length ? 1 : 0;
