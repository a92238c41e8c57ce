'use strict';
/*
 * Preload that times module loading by package:
 *
 *   node -r ./bench/lib/require-timer.js dist/main.js db current        # summary on stderr at exit
 *   REQUIRE_TIMER_JSON=/tmp/t.json node -r ./bench/lib/require-timer.js …   # and as JSON
 *
 * It wraps Module.prototype.load, called once per file the CommonJS loader loads (also for an ES module's
 * import of a CommonJS file, and for a require() of an ES module, whose whole import graph then counts as that
 * one load). Each load's inclusive wall time minus its nested loads is its own cost (read, compile, evaluate
 * its top level, and resolve what it requires), summed by the package of the loaded file.
 */
const Module = require('node:module');
const { writeFileSync } = require('node:fs');

const t0 = process.hrtime.bigint();
const stack = []; // { child: ns } per active load
const own = new Map(); // package -> { ns, files }
const realLoad = Module.prototype.load;

/** 'typeorm', '@nestjs/core', 'ours (library)' (dist/libs), 'app (example)' (dist/src), 'migration files', … */
function packageOf(filename) {
  const m = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(filename);
  if (m) return m[1];
  if (/\/dist\/libs\//.test(filename)) return 'ours (library)';
  if (/\/dist\/src\//.test(filename)) return 'app (example)';
  if (/\/migrations\//.test(filename)) return 'migration files';
  return 'other';
}

Module.prototype.load = function timedLoad(filename) {
  const frame = { child: 0n };
  stack.push(frame);
  const start = process.hrtime.bigint();
  try {
    return realLoad.call(this, filename);
  } finally {
    const total = process.hrtime.bigint() - start;
    stack.pop();
    if (stack.length) stack[stack.length - 1].child += total;
    const key = packageOf(filename);
    const entry = own.get(key) ?? { ns: 0n, files: 0 };
    entry.ns += total - frame.child;
    entry.files += 1;
    own.set(key, entry);
  }
};

process.on('exit', () => {
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const rows = [...own].map(([pkg, e]) => ({ pkg, ms: Number(e.ns) / 1e6, files: e.files })).sort((a, b) => b.ms - a.ms);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  if (process.env.REQUIRE_TIMER_JSON) writeFileSync(process.env.REQUIRE_TIMER_JSON, JSON.stringify({ wallMs: wall, loadMs: total, rows }, null, 2));
  const lines = [`require-timer: ${total.toFixed(0)} ms of ${wall.toFixed(0)} ms wall in first loads (own time by package; ESM graphs count under the package require()d)`];
  for (const r of rows.slice(0, 30)) lines.push(`  ${r.pkg.padEnd(34)}${r.ms.toFixed(1).padStart(8)} ms ${String(r.files).padStart(5)} loads`);
  process.stderr.write(`${lines.join('\n')}\n`);
});
