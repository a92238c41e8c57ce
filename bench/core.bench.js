#!/usr/bin/env node
'use strict';
/*
 * The pure core at scale: building the revision graph and planning on 5000 revisions, as the CLI does on
 * every call. Prints medians of R runs (default 9); no database. The build must exist (`npm run build`).
 *
 *   node bench/core.bench.js [R]
 */
const { join } = require('node:path');
const dist = join(__dirname, '..', 'libs', 'migrations', 'dist', 'core');
const { RevisionGraph } = require(join(dist, 'revision-graph'));
const { planUpgrade, planRollback, summarize, currentHeads } = require(join(dist, 'planner'));
const { resolveTarget } = require(join(dist, 'resolve-revision'));
const { median } = require('./lib/measure');

const SIZE = 5000;
const R = Number(process.argv[2] ?? 9);
const hex = (n) => n.toString(16).padStart(12, '0');
const chain = Array.from({ length: SIZE }, (_, i) => ({ id: hex(i + 1), parents: i ? [hex(i)] : [], message: '' }));
const fan = [{ id: 'root', parents: [], message: '' }, ...Array.from({ length: SIZE }, (_, i) => ({ id: hex(i), parents: ['root'], message: '' }))];

const cases = {
  'build + walk a 5000 chain (newest first)': () => {
    const graph = RevisionGraph.build([...chain].reverse());
    graph.all();
    currentHeads(graph, new Set(graph.ids()));
  },
  'plan upgrade, resolve -2500, rollback, summarize': () => {
    const graph = RevisionGraph.build(chain);
    const ledger = graph.ids().slice(0, SIZE / 2);
    planUpgrade(graph, new Set(ledger), resolveTarget(graph, 'head', new Set(ledger)));
    resolveTarget(graph, `-${SIZE / 2}`, new Set(ledger));
    planRollback(graph, ledger, ledger.length);
    summarize(graph, ledger);
  },
  'build a 5000-head fan': () => RevisionGraph.build(fan).heads(),
};

for (const [name, fn] of Object.entries(cases)) {
  fn();
  const times = Array.from({ length: R }, () => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  });
  console.log(`${name.padEnd(50)} ${median(times).toFixed(1)} ms (median of ${R})`);
}
