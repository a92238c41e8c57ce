#!/usr/bin/env node
'use strict';
/*
 * Where a CLI command's time goes, from V8 CPU profiles:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/main.js db current       # one or more runs
 *   node bench/profile-summary.js /tmp/prof/*.cpuprofile [--json]
 *
 * Several profiles are averaged (ms per run). Each sample is charged to:
 *  - a phase, by time: loading dist/main.js's module graph (until runCommand starts), Nest boot (application
 *    context: DI, TypeORM data source, connection), the command's run(), close and exit;
 *  - a kind: GC, idle (waiting: database round trips, I/O), native (V8/Node outside JS), the module loader
 *    (Node's resolve/read/compile code, with the path/url/fs helpers it calls), or JavaScript of a package
 *    (with the builtins and Node helpers it calls);
 *  - for JavaScript, whether it ran as a module's top-level code (evaluation while loading) or after.
 * Profiles of an esbuild bundle (`*.bundle.js`, not minified, e.g. from bench/startup.bench.js --keep) are
 * charged to packages by the `// <path>` comments esbuild writes before each module.
 */
const { existsSync, readFileSync } = require('node:fs');
const { fileURLToPath } = require('node:url');

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!files.length) {
  console.error('usage: node bench/profile-summary.js <file.cpuprofile>... [--json]');
  process.exit(2);
}

/** 'typeorm', '@nestjs/core', 'ours (library)', …, by file path. */
function packageOfPath(path) {
  const m = /(?:^|.*\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (m) return m[1];
  if (/(?:^|\/)libs\/migrations\//.test(path)) return 'ours (library)';
  if (/(?:^|\/)dist\/src\//.test(path)) return 'app (example)';
  if (/\/bench\/startup\//.test(path)) return 'bundle loader (vm.Script, code cache)';
  if (/(?:^|\/)migrations\//.test(path)) return 'migration files';
  return 'other';
}

/**
 * Package of each line of an esbuild bundle (`*.bundle.js`, not minified), from the `// <path>` comment esbuild
 * writes before each module's code; null when the file is not such a bundle.
 */
const bundleLines = new Map();
function bundleOwners(url) {
  if (!/\.bundle\.js$/.test(url)) return null;
  if (!bundleLines.has(url)) {
    const path = url.startsWith('file:') ? fileURLToPath(url) : url;
    let owners = null;
    if (existsSync(path)) {
      owners = [];
      let current = 'bundle runtime';
      readFileSync(path, 'latin1').split('\n').forEach((line, i) => {
        const m = /^\/\/ (\S+\.(?:m?js|cjs|json))$/.exec(line);
        if (m) current = packageOfPath(m[1]);
        owners[i] = current;
      });
    }
    bundleLines.set(url, owners);
  }
  return bundleLines.get(url);
}

/** 'typeorm', '@nestjs/core', 'ours (library)', …; null for frames without a script (builtins, natives). */
function packageOf(url, line) {
  if (!url) return null;
  if (url.startsWith('node:')) return url.startsWith('node:internal/modules') || url === 'node:vm' ? 'module loader' : 'node internals';
  const owners = bundleOwners(url);
  if (owners) return owners[line] ?? 'bundle runtime';
  return packageOfPath(url);
}
const SPECIAL = { '(garbage collector)': 'GC', '(idle)': 'idle (waiting)', '(program)': 'native (outside JS)', '(root)': 'native (outside JS)' };
/**
 * A module's top-level code: the anonymous function at line 0 of a script (CommonJS wrapper, ES module body),
 * or an esbuild bundle's per-module wrappers (`init_<name>` for ES modules, the module's path for CommonJS).
 */
const isModuleBody = (f) =>
  (f.functionName === '' && f.lineNumber === 0 && f.url && !f.url.startsWith('node:')) || /^init_/.test(f.functionName) || /\.(?:m?js|cjs)$/.test(f.functionName);
/** The entry's top-level code calls runApp: what runs under it is the command, not loading. */
const isEntryCall = (f) => f.functionName === 'runApp' || f.functionName === 'runCommand';
/** Leaf first: loading when a module body comes before (below) any runApp/runCommand frame. */
function underModuleBody(stack) {
  for (const f of stack) {
    if (isEntryCall(f)) return false;
    if (isModuleBody(f)) return true;
  }
  return false;
}
const PHASES = ['load main.js graph', 'Nest boot', 'command run()', 'close + exit'];

function summarize(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id) => {
    const out = [];
    for (let cur = id; cur != null; cur = parent.get(cur)) out.push(byId.get(cur).callFrame);
    return out; // leaf first
  };

  // Sample times: start + cumulative deltas; each sample lasts until the next one.
  const times = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  const dur = times.map((x, i) => ((i + 1 < times.length ? times[i + 1] : profile.endTime) - x) / 1000);

  const stacks = profile.samples.map(stackOf);
  const firstWith = (pred) => stacks.findIndex((s) => s.some(pred));
  const lastWith = (pred) => stacks.length - 1 - [...stacks].reverse().findIndex((s) => s.some(pred));
  // Nest boot starts in runCommand's synchronous part, which a sample may miss: its first callees count too.
  const isRunCommand = (f) => ['runCommand', 'createWithoutRunning', 'createApplicationContext'].includes(f.functionName);
  const isCommandRun = (f) => f.functionName === 'run' && (/\/cli\/commands\/[^/]+\.command\.js$/.test(f.url) || bundleOwners(f.url)?.[f.lineNumber] === 'ours (library)');
  // After an await, a sample's stack holds only the resumed function: Nest boot starts at the first sample
  // that is not a module's top-level code and runs runCommand or Nest's, nest-commander's or TypeORM's code.
  const BOOT_PACKAGES = new Set(['@nestjs/core', 'nest-commander', '@nestjs/typeorm', 'typeorm']);
  const bootStart = stacks.findIndex(
    (s) => !underModuleBody(s) && s.some((f) => isRunCommand(f) || BOOT_PACKAGES.has(packageOf(f.url, f.lineNumber))),
  );
  const cmdStart = firstWith(isCommandRun);
  const cmdEnd = lastWith(isCommandRun);
  const phaseOf = (i) => (bootStart < 0 || i < bootStart ? 0 : cmdStart < 0 || i < cmdStart ? 1 : i <= cmdEnd ? 2 : 3);

  const out = { wallMs: (profile.endTime - profile.startTime) / 1000, phases: {}, kinds: {}, packages: {} };
  stacks.forEach((stack, i) => {
    const ms = dur[i];
    const phase = PHASES[phaseOf(i)];
    out.phases[phase] = (out.phases[phase] ?? 0) + ms;
    const leaf = stack[0];
    let kind = SPECIAL[leaf.functionName] && !leaf.url ? SPECIAL[leaf.functionName] : null;
    if (!kind) {
      // Charged to the nearest frame that belongs to a package or to Node's module loader: builtins without a
      // script (JSON.parse, RegExp exec …) and Node helpers (path, url, fs) count for whoever called them.
      const owner = stack.find((f) => f.url && (!f.url.startsWith('node:') || f.url.startsWith('node:internal/modules')));
      const pkg = owner ? packageOf(owner.url, owner.lineNumber) : stack.some((f) => f.url) ? 'node internals' : 'native (outside JS)';
      if (pkg === 'module loader' || pkg === 'node internals' || pkg === 'native (outside JS)') kind = pkg;
      else {
        const loading = underModuleBody(stack);
        const p = (out.packages[pkg] ??= { loading: 0, after: 0 });
        p[loading ? 'loading' : 'after'] += ms;
        kind = 'JavaScript of packages';
      }
    }
    out.kinds[kind] = (out.kinds[kind] ?? 0) + ms;
  });
  return out;
}

// ---------------------------------------------------------------- average and print
const runs = files.map(summarize);
const avg = (get) => runs.reduce((s, r) => s + (get(r) ?? 0), 0) / runs.length;
const keys = (get) => [...new Set(runs.flatMap((r) => Object.keys(get(r))))];
const result = {
  runs: runs.length,
  wallMs: avg((r) => r.wallMs),
  phases: Object.fromEntries(PHASES.map((p) => [p, avg((r) => r.phases[p])])),
  kinds: Object.fromEntries(keys((r) => r.kinds).map((k) => [k, avg((r) => r.kinds[k])]).sort((a, b) => b[1] - a[1])),
  packages: Object.fromEntries(
    keys((r) => r.packages)
      .map((k) => [k, { loading: avg((r) => r.packages[k]?.loading), after: avg((r) => r.packages[k]?.after) }])
      .sort((a, b) => b[1].loading + b[1].after - (a[1].loading + a[1].after)),
  ),
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (x) => x.toFixed(0).padStart(6);
  const pct = (x) => `${((100 * x) / result.wallMs).toFixed(0).padStart(3)}%`;
  console.log(`${result.runs} profile(s), profiled time ${result.wallMs.toFixed(0)} ms per run (ms per run, share of profiled time)\n`);
  console.log('by phase:');
  for (const [k, v] of Object.entries(result.phases)) console.log(`  ${k.padEnd(40)}${f(v)} ${pct(v)}`);
  console.log('\nby kind:');
  for (const [k, v] of Object.entries(result.kinds)) console.log(`  ${k.padEnd(40)}${f(v)} ${pct(v)}`);
  console.log('\nJavaScript by package:                   top-level   after   total');
  for (const [k, v] of Object.entries(result.packages)) {
    if (v.loading + v.after < 1) continue;
    console.log(`  ${k.padEnd(40)}${f(v.loading)}  ${f(v.after)}  ${f(v.loading + v.after)} ${pct(v.loading + v.after)}`);
  }
}
