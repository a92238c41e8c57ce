#!/usr/bin/env node
'use strict';
/*
 * Start-up study: one CLI command, `db current` on N applied migrations, run from the same build in several
 * forms (bench/startup-study.md), against knex's `migrate:status` and `node -e 0`.
 *
 *   npm run build                                # once: the benchmark bundles and runs dist/
 *   node bench/startup.bench.js [N] [R] [--json] [--keep]
 *   node bench/startup.bench.js                  # the reference run: N=1000, R=9 (~3 min)
 *
 * Forms (all run `db current` on the same database and must print "Database is up to date."):
 *   tsc          node dist/main.js                                    the build as it is
 *   tsc+lazy     node -r bench/startup/lazy-inquirer.js dist/main.js  + inquirer loaded on first use only
 *   tsc+cjs      node -r bench/startup/cjs-cache.js dist/main.js      + a V8 code cache for CommonJS files
 *   bundle       node <study>/main.bundle.js                          dist/main.js bundled by esbuild
 *   bundle+v8    node <study>/main.cached.js                          the same bundle through vm.Script + code cache
 *   vendor+v8    node -r <study>/vendor.register.js dist/main.js      framework packages bundled, app as built
 * Caches are written by an untimed warm-up run. <study> is dist/.startup-study (inside the repository, so
 * that what stays external resolves from its node_modules); it is removed at the end unless --keep.
 *
 * Each run's wall time and CPU time (user + system, from GNU time) are recorded: on a shared machine CPU time
 * is the steadier figure. Medians of R interleaved rounds (order alternating), min-max as spread.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir, loadavg, cpus } = require('node:os');
const { generate } = require('./lib/generate');
const { ensureBenchDeps } = require('./lib/bench-deps');
const { writeKnexProject, knexCommand } = require('./lib/knex');
const { median } = require('./lib/measure');
const { psql, urlOf, Databases } = require('./lib/pg');
const { parseArgs, requireBuild, ROOT } = require('./lib/setup');

const MAIN = join(ROOT, 'dist', 'main.js');
const TIME = '/usr/bin/time';
const { N, R, flags, json } = parseArgs('startup.bench.js', { N: 1000, R: 9 });
requireBuild(MAIN);
if (!existsSync(TIME)) {
  console.error(`${TIME} (GNU time) is needed for CPU time: apt-get install time`);
  process.exit(2);
}
const log = (msg) => process.stderr.write(`${msg}\n`);
ensureBenchDeps(log);
const { bundle, vendorBundle } = require('./startup/build-bundle');

// The packages a `db` command loads from node_modules (the app's and the library's bare requires).
const VENDOR = ['reflect-metadata', '@nestjs/common', '@nestjs/core', '@nestjs/typeorm', '@nestjs/config', '@nestjs/terminus', 'typeorm', 'rxjs', 'nest-commander', 'commander', 'pg'];

const dbs = new Databases('bench_perf');
const tmp = mkdtempSync(join(tmpdir(), 'startup-bench-'));
const study = join(ROOT, 'dist', '.startup-study');
function cleanup() {
  dbs.dropAll();
  if (flags.has('--keep')) log(`kept ${tmp} and ${study}`);
  else {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(study, { recursive: true, force: true });
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

/** One whole process under GNU time: wall s, CPU s (user + sys), peak RSS MiB. */
function timed(cmd, args, { env, cwd = ROOT, expect }) {
  const out = join(tmp, 'time.txt');
  const t0 = process.hrtime.bigint();
  const res = spawnSync(TIME, ['-o', out, '-f', '%U %S %M', cmd, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const output = `${res.stdout}${res.stderr}`;
  if (res.status !== 0 || (expect && !expect.test(output))) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status}):\n${output.trim().split('\n').slice(-15).join('\n')}`);
  }
  const [user, sys, kib] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rss: kib / 1024 };
}

const samples = {}; // form -> { wall: [], cpu: [], rss: [] }
const build = {};

async function measure() {
  log(`generating ${N} migrations in ${tmp}; applying them (untimed) with db migrate and with knex`);
  const paths = generate(tmp, N);
  const project = writeKnexProject(join(tmp, 'knex'), paths.migrations);
  const db = dbs.fresh('startup');
  const kdb = dbs.fresh('startup_knex');
  const ours = { DATABASE_URL: urlOf(db), MIGRATIONS_COMPILED_DIR: paths.migrationsDir, NO_COLOR: '1' };
  timed(process.execPath, [MAIN, 'db', 'migrate'], { env: ours });
  if (Number(psql(db, ['-tAc', 'SELECT count(*) FROM migrations_ledger']).trim()) !== N) throw new Error('db migrate did not apply every migration');
  const [kcmd, kargs, kcwd] = knexCommand(project, ['migrate:latest', '--disable-transactions']);
  timed(kcmd, kargs, { cwd: kcwd, env: { KNEX_DATABASE_URL: urlOf(kdb) } });

  log(`bundling into ${study} ...`);
  rmSync(study, { recursive: true, force: true });
  mkdirSync(study, { recursive: true });
  const runCached = join(__dirname, 'startup', 'run-cached.js');
  const full = await bundle({ entry: MAIN, outfile: join(study, 'main.bundle.js') });
  writeFileSync(join(study, 'main.cached.js'), `require(${JSON.stringify(runCached)}).runCached(require('node:path').join(__dirname, 'main.bundle.js'));\n`);
  const vendor = await vendorBundle({ outfile: join(study, 'vendor.bundle.js'), packages: VENDOR });
  writeFileSync(join(study, 'vendor.register.js'), `require(${JSON.stringify(runCached)}).registerVendor(require('node:path').join(__dirname, 'vendor.bundle.js'));\n`);
  build.bundle = { bytes: full.bytes, ms: full.ms };
  build.vendor = { bytes: vendor.bytes, ms: vendor.ms, packages: VENDOR };

  const UP_TO_DATE = /Database is up to date\./;
  const cjsCache = { CJS_CACHE_FILE: join(study, 'cjs.v8cache') };
  const forms = {
    tsc: [process.execPath, [MAIN, 'db', 'current'], { env: ours, expect: UP_TO_DATE }],
    'tsc+lazy': [process.execPath, ['-r', join(__dirname, 'startup', 'lazy-inquirer.js'), MAIN, 'db', 'current'], { env: ours, expect: UP_TO_DATE }],
    'tsc+cjs': [process.execPath, ['-r', join(__dirname, 'startup', 'cjs-cache.js'), MAIN, 'db', 'current'], { env: { ...ours, ...cjsCache }, expect: UP_TO_DATE }],
    bundle: [process.execPath, [join(study, 'main.bundle.js'), 'db', 'current'], { env: ours, expect: UP_TO_DATE }],
    'bundle+v8': [process.execPath, [join(study, 'main.cached.js'), 'db', 'current'], { env: ours, expect: UP_TO_DATE }],
    'vendor+v8': [process.execPath, ['-r', join(study, 'vendor.register.js'), MAIN, 'db', 'current'], { env: ours, expect: UP_TO_DATE }],
    knex: [kcmd, [...kargs.slice(0, -2), 'migrate:status'], { cwd: kcwd, env: { KNEX_DATABASE_URL: urlOf(kdb) }, expect: /No Pending Migration files Found\./ }],
    'node -e 0': [process.execPath, ['-e', '0'], {}],
  };
  const names = Object.keys(forms);
  for (let i = -1; i < R; i++) {
    log(i < 0 ? 'warm-up round (writes the code caches)' : `round ${i + 1}/${R}`);
    const order = i % 2 ? names : [...names].reverse();
    for (const name of order) {
      const r = timed(...forms[name]);
      if (i < 0) continue;
      const s = (samples[name] ??= { wall: [], cpu: [], rss: [] });
      s.wall.push(r.wall);
      s.cpu.push(r.cpu);
      s.rss.push(r.rss);
    }
  }
}

function print() {
  const report = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, {
    wall: { median: median(s.wall), min: Math.min(...s.wall), max: Math.max(...s.wall) },
    cpu: { median: median(s.cpu), min: Math.min(...s.cpu), max: Math.max(...s.cpu) },
    peakRssMiB: Math.max(...s.rss),
  }]));
  if (json) {
    console.log(JSON.stringify({ n: N, repeats: R, node: process.version, cpus: cpus().length, loadAvg: loadavg(), build, forms: report }, null, 2));
  } else {
    const f = (x) => x.toFixed(3);
    console.log(`\ndb current, N=${N}, R=${R}, node ${process.version}, ${cpus().length} CPUs, load avg ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`bundle ${(build.bundle.bytes / 1048576).toFixed(1)} MiB (built in ${build.bundle.ms} ms), vendor bundle ${(build.vendor.bytes / 1048576).toFixed(1)} MiB (${build.vendor.ms} ms)\n`);
    console.log(`  ${'form'.padEnd(11)}${'CPU s'.padStart(7)}  ${'[min - max]'.padEnd(15)}${'wall s'.padStart(7)}  ${'[min - max]'.padEnd(15)}${'RSS'.padStart(6)}${'CPU/knex'.padStart(10)}${'CPU/tsc'.padStart(9)}`);
    for (const [name, r] of Object.entries(report)) {
      const vsKnex = report.knex ? (r.cpu.median / report.knex.cpu.median).toFixed(2) : 'n/a';
      const vsTsc = report.tsc ? (r.cpu.median / report.tsc.cpu.median).toFixed(2) : 'n/a';
      console.log(`  ${name.padEnd(11)}${f(r.cpu.median).padStart(7)}  ${`[${f(r.cpu.min)} - ${f(r.cpu.max)}]`.padEnd(15)}${f(r.wall.median).padStart(7)}  ${`[${f(r.wall.min)} - ${f(r.wall.max)}]`.padEnd(15)}${r.peakRssMiB.toFixed(0).padStart(6)}${vsKnex.padStart(10)}${vsTsc.padStart(9)}`);
    }
  }
}

measure()
  .then(print)
  .catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  })
  .finally(cleanup);
