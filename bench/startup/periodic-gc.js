'use strict';
// Study prototype (bench/startup-study.md section 5), used as `node -r ./bench/startup/periodic-gc.js dist/main.js
// db migrate`: a full collection every GC_EVERY_MS (default 2000) ms, with `gc` obtained at run time, to see what a
// bounded heap does to the peak RSS of a long run. The product would collect every K migrations instead.
require('node:v8').setFlagsFromString('--expose-gc');
const gc = require('node:vm').runInNewContext('gc');

let runs = 0;
setInterval(() => {
  gc();
  runs++;
}, Number(process.env.GC_EVERY_MS || 2000)).unref();
process.on('exit', () => process.stderr.write(`periodic-gc: ${runs} full collections\n`));
