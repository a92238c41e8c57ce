'use strict';
// The benchmarks' own dependencies (bench/package.json, e.g. knex as the reference CLI), installed into
// bench/node_modules with `npm ci` from the committed lockfile on first use. They are never dependencies of the
// package or of the example app.
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const BENCH = join(__dirname, '..');

const installedVersion = (name) => {
  const file = join(BENCH, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : null;
};

/** Runs `npm ci` in bench/ unless every dependency of bench/package.json is installed at its pinned version. */
function ensureBenchDeps(log) {
  const wanted = JSON.parse(readFileSync(join(BENCH, 'package.json'), 'utf8')).devDependencies;
  const missing = Object.entries(wanted).filter(([name, version]) => installedVersion(name) !== version);
  if (!missing.length) return;
  log(`installing the benchmarks' own dependencies (${missing.map(([n, v]) => `${n} ${v}`).join(', ')}) into bench/node_modules ...`);
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: BENCH, encoding: 'utf8' });
  const still = Object.entries(wanted).filter(([name, version]) => installedVersion(name) !== version);
  if (res.status !== 0 || still.length) {
    console.error(`could not install ${still.map(([n]) => n).join(', ')} into bench/node_modules (npm ci exited ${res.status}): ${(res.stderr || '').trim().split('\n').pop()}`);
    process.exit(2);
  }
}

module.exports = { ensureBenchDeps, BENCH };
