#!/usr/bin/env node
'use strict';
/*
 * `nest start -- db current` in development: the Nest CLI compiles the example app, then runs the command.
 * Compares the builders: tsc (type-checks and compiles the whole project; what `nest start` did before) and
 * swc (nest-cli.json's builder now: transpiles src/ and migrations/ without type-checking; `npm run build`
 * and CI type-check with tsc), against `node dist/main.js db current` (no compile step).
 *
 *   DATABASE_URL=postgres://... node bench/nest-start.bench.js [R]     # R interleaved rounds, default 5
 *
 * Prints the median and min-max wall time of each form. Run `npm run build` afterwards: nest start leaves
 * swc's output in dist/.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const rounds = Number(process.argv[2] ?? 5);
const nest = join(root, 'node_modules', '.bin', 'nest');
const forms = {
  'nest start -b tsc': [nest, ['start', '-b', 'tsc', '--', 'db', 'current']],
  'nest start (swc)': [nest, ['start', '--', 'db', 'current']],
  'node dist/main.js': [process.execPath, ['dist/main.js', 'db', 'current']],
};
if (!process.env.DATABASE_URL) {
  console.error('Set DATABASE_URL to a database the example app can read.');
  process.exit(2);
}
const times = Object.fromEntries(Object.keys(forms).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  const names = Object.keys(forms);
  if (round % 2) names.reverse();
  for (const name of names) {
    const [command, args] = forms[name];
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0 || !/Database is up to date|pending|No migrations/.test(result.stdout)) {
      console.error(`${name} failed:\n${result.stdout}${result.stderr}`);
      process.exit(1);
    }
    times[name].push(ms);
  }
}
for (const [name, list] of Object.entries(times)) {
  const sorted = [...list].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`${name.padEnd(20)} median ${(median / 1000).toFixed(2)} s  (${(sorted[0] / 1000).toFixed(2)}-${(sorted[sorted.length - 1] / 1000).toFixed(2)} s, ${rounds} rounds)`);
}
