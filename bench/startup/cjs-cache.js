'use strict';
// Study prototype (bench/startup-study.md), used as `node -r ./bench/startup/cjs-cache.js dist/main.js …`: a V8
// code cache for every CommonJS file, in one blob (CJS_CACHE_FILE) written at exit, like the v8-compile-cache
// package. ES modules (NestJS 12's packages) are not covered: Node 20 has no public way to give them cached data.
const Module = require('node:module');
const vm = require('node:vm');
const fs = require('node:fs');
const path = require('node:path');

const CACHE = process.env.CJS_CACHE_FILE;
const store = new Map(); // filename -> cached data
try {
  const buf = fs.readFileSync(CACHE);
  for (let off = 0; off < buf.length; ) {
    const nameLength = buf.readUInt32LE(off);
    const name = buf.toString('utf8', off + 4, off + 4 + nameLength);
    off += 4 + nameLength;
    const dataLength = buf.readUInt32LE(off);
    store.set(name, buf.subarray(off + 4, off + 4 + dataLength));
    off += 4 + dataLength;
  }
} catch {
  // No cache yet.
}
const scripts = new Map();
let stale = false;
const realCompile = Module.prototype._compile;

Module.prototype._compile = function cachedCompile(content, filename, format) {
  if (format === 'module') return realCompile.call(this, content, filename, format); // require(esm)
  const cachedData = store.get(filename);
  const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
  const script = new vm.Script(Module.wrap(source), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (!cachedData || script.cachedDataRejected) stale = true;
  scripts.set(filename, script);
  const mod = this;
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.main = process.mainModule;
  require.cache = Module._cache;
  return script.runInThisContext().call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
};

process.once('exit', () => {
  if (!stale || !CACHE) return;
  const parts = [];
  for (const [name, script] of scripts) {
    const data = script.createCachedData();
    const nameBytes = Buffer.from(name);
    parts.push(Buffer.from(new Uint32Array([nameBytes.length]).buffer), nameBytes, Buffer.from(new Uint32Array([data.length]).buffer), data);
  }
  fs.writeFileSync(CACHE, Buffer.concat(parts));
});
