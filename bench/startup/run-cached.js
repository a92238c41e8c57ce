'use strict';
// Study prototype (bench/startup-study.md): runs a CommonJS bundle through vm.Script with a V8 code cache kept
// beside it (`<bundle>.v8cache`), written at exit when missing or rejected (another Node version or V8 flags).
// STUDY_CACHE_AT=compile writes it right after compiling instead (the comparison in the study, 2.3).
const { Script, constants } = require('node:vm');
const { readFileSync, writeFileSync, renameSync } = require('node:fs');
const { isAscii } = require('node:buffer');
const { dirname } = require('node:path');
const Module = require('node:module');

/** Compiles `file` (with its cache when there is a usable one) and returns a function that runs it as a module. */
function compileCached(file) {
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const raw = readFileSync(file);
  // The bundles are written as ASCII: latin1 is then exact and spares the UTF-8 decoder a few MB.
  const source = isAscii(raw) ? raw.latin1Slice() : raw.toString('utf8');
  const script = new Script(Module.wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if ((!cachedData || script.cachedDataRejected) && process.env.STUDY_CACHE_AT === 'compile') {
    // Study variant: the cache right after compiling holds the top-level code only.
    writeFileSync(cacheFile, script.createCachedData());
  } else if (!cachedData || script.cachedDataRejected) {
    // At exit, so that the cache also holds the functions compiled while the command ran.
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // A read-only folder: run without a cache.
      }
    });
  }
  return (parent) => {
    const mod = new Module(file, parent);
    mod.filename = file;
    mod.paths = Module._nodeModulePaths(dirname(file));
    script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
    mod.loaded = true;
    return mod.exports;
  };
}

/** Runs a bundle as the program. */
function runCached(file) {
  return compileCached(file)(require.main);
}

/**
 * Serves `require('<name>')` of the bundled packages from a vendor bundle (build-bundle.js vendorBundle) to every
 * CommonJS module: the app's own files are still loaded from disk, one by one, as before.
 */
function registerVendor(file) {
  const run = compileCached(file);
  const realLoad = Module._load;
  let vendor;
  Module._load = function vendorLoad(request, parent, isMain) {
    if (vendor && Object.prototype.hasOwnProperty.call(vendor, request)) return vendor[request];
    return realLoad.call(this, request, parent, isMain);
  };
  vendor = run(module);
}

module.exports = { runCached, registerVendor };
