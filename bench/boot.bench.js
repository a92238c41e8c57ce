#!/usr/bin/env node
'use strict';
/*
 * Boot benchmark: what the run-on-boot hook (MIGRATE_ON_BOOT=true) adds to the app's boot when nothing is
 * pending, against the hook off, with N migrations on disk, in the same run on the same database.
 *
 *   npm run build                              # once, if dist/main.js is missing
 *   node bench/boot.bench.js [N] [R] [--json] [--keep]
 *
 *   N       number of generated migrations (default 1000), all applied once, untimed, before measuring
 *   R       boot pairs (hook off, hook on), interleaved; medians reported (default 15)
 *   --json  print machine-readable results instead of the table
 *   --keep  keep the generated temp folder (its path is printed)
 *
 * The measure is the wall time from just before `spawn(node dist/main.js)` until the app's
 * "Listening on port N" log line is read from its output; the first 200 on GET /health (requested as soon
 * as that line is seen) is reported beside it. Needs PostgreSQL at BENCH_PG_SERVER (default
 * postgres://postgres@127.0.0.1:5432, trust auth) and psql on PATH. One database bench_<pid>_boot_<k>,
 * dropped at the end, also on failure or Ctrl-C; every spawned app is stopped (SIGTERM, SIGKILL after 5 s).
 * Exit code: 0 if every boot ran and the target passed, 1 otherwise. See bench/README.md.
 */
const { mkdtempSync, rmSync, existsSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { tmpdir, loadavg, cpus } = require('node:os');
const { createHash } = require('node:crypto');
const { generate } = require('./lib/generate');
const { run, median } = require('./lib/measure');
const { psql, urlOf, Databases } = require('./lib/pg');
const { parseArgs, requireBuild, staleSources } = require('./lib/setup');
const { bootOnce, freePort, killAll } = require('./lib/boot');
const { medianCI } = require('./lib/stats');

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const { N, R, flags, json: JSON_OUT } = parseArgs('boot.bench.js', { N: 1000, R: 15 });
const TARGET_MS = 10; // the issue: "under 10 ms added", stated for 1000 migrations on disk
const BOOT_TIMEOUT_MS = Number(process.env.BENCH_BOOT_TIMEOUT_MS || 60000);
requireBuild(MAIN);

const log = (msg) => process.stderr.write(`${msg}\n`);

const stale = staleSources(MAIN);
if (stale.length) log(`warning: dist may be stale, sources newer than the build: ${stale.join(', ')}`);

const dbs = new Databases();
const tmp = mkdtempSync(join(tmpdir(), 'boot-bench-'));
const failures = []; // { step, output }
let cleaned = false;

function cleanup() {
  if (cleaned) return;
  cleaned = true;
  killAll();
  dbs.dropAll();
  if (flags.has('--keep')) log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', () => killAll());
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

const READY = /Listening on port \d+/;
const STARTED = /Nest application successfully started/;
const HOOK_LINE = /\[Migrations\].*Database is up to date \(checked in (\d+) ms\)/;
const HOOK_ANY = /\[Migrations\]/;

/**
 * One boot of `node dist/main.js` (serve mode) with the hook on or off; returns the sample, or null after
 * recording a failure. A hook-on boot must log "Database is up to date (checked in N ms)" (anything else
 * means something was pending or the hook did not run as intended); a hook-off boot must log no hook line.
 */
async function boot(label, hookOn, db, migrationsDir) {
  const port = await freePort();
  const res = await bootOnce({
    cmd: process.execPath,
    args: [MAIN],
    cwd: ROOT,
    port,
    ready: READY,
    healthPath: '/health',
    timeoutMs: BOOT_TIMEOUT_MS,
    env: {
      DATABASE_URL: urlOf(db),
      MIGRATIONS_COMPILED_DIR: migrationsDir,
      MIGRATE_ON_BOOT: hookOn ? 'true' : 'false',
      PORT: String(port),
      NO_COLOR: '1',
    },
  });
  const tail = () => res.lines.slice(-25).map((l) => l.text).join('\n');
  if (!res.ok) {
    failures.push({ step: label, output: `${res.error}\n${tail()}` });
    log(`  FAILED: ${label}: ${res.error}\n${tail()}`);
    return null;
  }
  const hookLine = res.lines.find((l) => HOOK_LINE.test(l.text));
  const anyHook = res.lines.find((l) => HOOK_ANY.test(l.text) && !/InstanceLoader/.test(l.text));
  if (hookOn && !hookLine) {
    const output = `expected "Database is up to date (checked in N ms)", got:\n${res.lines.filter((l) => HOOK_ANY.test(l.text)).map((l) => l.text).join('\n') || '(no [Migrations] line)'}`;
    failures.push({ step: label, output });
    log(`  FAILED: ${label}: ${output}`);
    return null;
  }
  if (!hookOn && anyHook) {
    failures.push({ step: label, output: `hook off, yet it logged: ${anyHook.text}` });
    log(`  FAILED: ${label}: hook off, yet it logged: ${anyHook.text}`);
    return null;
  }
  const started = res.lines.find((l) => STARTED.test(l.text));
  return {
    readyMs: res.readyMs,
    healthMs: res.healthMs,
    startedMs: started ? started.atMs : null,
    hookMs: hookLine ? Number(HOOK_LINE.exec(hookLine.text)[1]) : null,
  };
}

/** The index the loader reads: beside the migrations, or its fallback in the temp folder (keyed by the dir). */
function indexFiles(dir) {
  const key = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return [join(dir, '.migrations-index.json'), join(tmpdir(), `nest-migrations-index-${key}.json`)];
}

const off = []; // samples, hook off
const on = []; // samples, hook on
const pairs = []; // { off, on, firstOff } per repetition, both succeeded
let cold = null;
let coldIndex = null; // { deleted: [...], rewritten: bool }
let prepared = null; // { migrateSecs, rows }

async function main() {
  log(`generating ${N} migrations in ${tmp} ...`);
  const { migrationsDir } = generate(tmp, N);
  const db = dbs.fresh('boot');

  log(`applying all ${N} with \`node dist/main.js db migrate\` (untimed) ...`);
  const mig = run(process.execPath, [MAIN, 'db', 'migrate'], {
    cwd: ROOT,
    env: { DATABASE_URL: urlOf(db), MIGRATIONS_COMPILED_DIR: migrationsDir, NO_COLOR: '1' },
  });
  const rows = mig.status === 0 ? Number(psql(db, ['-tAc', 'SELECT count(*) FROM migrations_ledger']).trim()) : null;
  if (mig.status !== 0 || rows !== N) {
    const output = mig.status !== 0 ? `${mig.stderr}${mig.stdout}`.trim().split('\n').slice(-25).join('\n') : `ledger has ${rows} rows, expected ${N}`;
    failures.push({ step: 'db migrate', output });
    log(`  FAILED: db migrate\n${output}`);
    return;
  }
  prepared = { migrateSecs: mig.secs, rows };

  // Warm-up, untimed: the first boots pay for a cold OS file cache, and the first hook-on boot after
  // `db migrate` may still fill the migration index; neither is what the A/B pairs should measure.
  log('warm-up: one boot with the hook off, one with it on (untimed)');
  if (!(await boot('warm-up, hook off', false, db, migrationsDir))) return;
  if (!(await boot('warm-up, hook on', true, db, migrationsDir))) return;

  for (let i = 0; i < R; i++) {
    // Alternate which goes first, so drift within a pair (load, caches) does not always favour one side.
    const offFirst = i % 2 === 0;
    log(`[${i + 1}/${R}] ${offFirst ? 'A. hook off  B. hook on' : 'B. hook on  A. hook off'}`);
    let a;
    let b;
    if (offFirst) {
      a = await boot(`A hook off #${i + 1}`, false, db, migrationsDir);
      b = await boot(`B hook on #${i + 1}`, true, db, migrationsDir);
    } else {
      b = await boot(`B hook on #${i + 1}`, true, db, migrationsDir);
      a = await boot(`A hook off #${i + 1}`, false, db, migrationsDir);
    }
    if (a) off.push(a);
    if (b) on.push(b);
    if (a && b) pairs.push({ off: a, on: b, offFirst });
    if (!a || !b) break;
  }

  // Cold cache: the index (metadata and checksums of all N migrations) deleted before one extra hook-on boot.
  log('cold cache: .migrations-index.json deleted, then one boot with the hook on');
  const deleted = indexFiles(migrationsDir).filter((f) => existsSync(f));
  for (const f of deleted) rmSync(f, { force: true });
  cold = await boot('B hook on, cold index', true, db, migrationsDir);
  coldIndex = { deleted: deleted.map((f) => f.replace(tmpdir(), '$TMPDIR')), rewritten: indexFiles(migrationsDir).some((f) => existsSync(f)) };
}

function stats(xs) {
  const v = xs.filter((x) => x != null);
  return v.length ? { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length } : { median: null, min: null, max: null, n: 0 };
}

function report() {
  const pick = (list, k) => list.map((s) => s[k]);
  const ready = { off: stats(pick(off, 'readyMs')), on: stats(pick(on, 'readyMs')) };
  const health = { off: stats(pick(off, 'healthMs')), on: stats(pick(on, 'healthMs')) };
  const diffReady = stats(pairs.map((p) => p.on.readyMs - p.off.readyMs));
  const diffHealth = stats(pairs.map((p) => p.on.healthMs - p.off.healthMs));
  const hook = stats(pick(on, 'hookMs'));
  const medianDiff = (x) => (x.off.median != null && x.on.median != null ? x.on.median - x.off.median : null);
  const judged = N === 1000;
  const value = diffReady.median;
  const complete = pairs.length === R;
  // A median under the limit is not enough: boot-to-boot noise is hundreds of ms here, so a PASS also needs
  // the 95% interval of that median to lie under the limit. An interval reaching the limit is a MISS,
  // flagged unresolved: "< 10 ms" was not shown, whatever the sign of the noise this time.
  const ci = medianCI(pairs.map((p) => p.on.readyMs - p.off.readyMs));
  const resolved = ci != null && (ci.hi < TARGET_MS || ci.lo >= TARGET_MS);
  const target = {
    name: `hook adds < ${TARGET_MS} ms (median of paired differences, to "Listening on port")`,
    statedFor: 'N=1000 only',
    value,
    ci95: ci,
    resolved,
    limit: judged ? TARGET_MS : null,
    unit: 'ms',
    result: !judged ? 'n/a' : value == null || !complete ? 'MISS' : value < TARGET_MS && ci != null && ci.hi < TARGET_MS ? 'PASS' : 'MISS',
  };

  const results = {
    n: N, repeats: R, pairsCompleted: pairs.length, node: process.version, cpus: cpus().length, loadAvgAtEnd: loadavg(),
    distStaleSources: stale,
    measure: 'wall ms from just before spawn until the "Listening on port N" log line is read; health = first 200 on GET /health, requested once that line is seen',
    preparation: prepared,
    ms: {
      listening: { hookOff: ready.off, hookOn: ready.on, differenceOfMedians: medianDiff(ready), pairedDifference: diffReady },
      health: { hookOff: health.off, hookOn: health.on, differenceOfMedians: medianDiff(health), pairedDifference: diffHealth },
      hookOwnTime: hook,
      coldIndex: cold ? { listening: cold.readyMs, health: cold.healthMs, hookOwnTime: cold.hookMs, ...coldIndex } : null,
      samples: pairs.map((p) => ({
        offFirst: p.offFirst,
        off: { listening: p.off.readyMs, health: p.off.healthMs },
        on: { listening: p.on.readyMs, health: p.on.healthMs, hook: p.on.hookMs },
      })),
    },
    target,
    failures,
  };

  if (JSON_OUT) {
    console.log(JSON.stringify(results, null, 2));
  } else {
    const f = (x) => (x == null ? 'n/a' : x.toFixed(1));
    const sd = (x) => (x == null ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}`);
    const range = (s, fmt = f) => (s.n ? `[${fmt(s.min)} - ${fmt(s.max)}]` : '');
    const line = (label, s, fmt = f) => console.log(`  ${label.padEnd(52)}${fmt(s.median).padStart(9)}  ${range(s, fmt)}`);
    console.log(`\nN=${N} migrations on disk, all applied; R=${R} interleaved pairs (${pairs.length} completed), node ${process.version}, ` +
      `${results.cpus} CPUs, load avg ${results.loadAvgAtEnd.map((l) => l.toFixed(2)).join(' ')}`);
    if (stale.length) console.log(`warning: dist is older than ${stale.join(', ')}: this measures the build, not those edits`);
    console.log('(wall ms from spawn of `node dist/main.js`; median, min-max in brackets)\n');
    console.log(`  ${'until "Listening on port N" (the measure judged)'.padEnd(52)}${'median'.padStart(9)}  [min - max]`);
    line('A  hook off', ready.off);
    line('B  hook on (MIGRATE_ON_BOOT=true), nothing pending', ready.on);
    console.log(`  ${'B - A, difference of medians'.padEnd(52)}${sd(medianDiff(ready)).padStart(9)}`);
    line('B - A, paired differences', diffReady, sd);
    console.log(`\n  ${'until the first 200 on GET /health (for reference)'.padEnd(52)}`);
    line('A  hook off', health.off);
    line('B  hook on', health.on);
    console.log(`  ${'B - A, difference of medians'.padEnd(52)}${sd(medianDiff(health)).padStart(9)}`);
    line('B - A, paired differences', diffHealth, sd);
    console.log('');
    line('hook\'s own time, "Database is up to date (checked in N ms)"', hook);
    if (cold) {
      console.log(`\n  cold index (${coldIndex.deleted.length ? `deleted ${coldIndex.deleted.join(', ')}` : 'no index file found to delete'}; ` +
        `rewritten by the boot: ${coldIndex.rewritten ? 'yes' : 'no'}), one hook-on boot:`);
      console.log(`    until "Listening on port": ${f(cold.readyMs)} ms (${sd(cold.readyMs - ready.off.median)} vs A median), ` +
        `first 200 on /health: ${f(cold.healthMs)} ms, hook's own time: ${f(cold.hookMs)} ms`);
    } else {
      console.log('\n  cold index: not measured');
    }
    console.log('\ntarget:');
    const v = target.value == null ? 'n/a' : `${sd(target.value)} ms`;
    const interval = ci ? `, ${(ci.confidence * 100).toFixed(1)}% interval [${sd(ci.lo)}, ${sd(ci.hi)}] ms` : ', no 95% interval (fewer than 6 pairs)';
    console.log(`  ${target.result.padEnd(5)} ${target.name}: measured ${v}${interval} (target stated for ${target.statedFor}${complete ? '' : `; only ${pairs.length}/${R} pairs ran`})`);
    if (judged && !resolved && value != null) {
      console.log(`        unresolved: the interval straddles ${TARGET_MS} ms, so boot noise hides a ${TARGET_MS} ms effect in this run; ` +
        `the hook's own time (in-process, above) is ${f(hook.median)} ms median`);
    }
    for (const x of failures) console.log(`\nFAILURE in ${x.step}:\n${x.output}`);
  }
  process.exitCode = failures.length || target.result === 'MISS' ? 1 : 0;
}

main()
  .catch((error) => failures.push({ step: 'benchmark', output: error.stack ?? String(error) }))
  .finally(() => {
    cleanup();
    report();
  });
