import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script, constants } from 'node:vm';
import Module = require('node:module');

interface ModuleInternals {
  wrap(source: string): string;
  _nodeModulePaths(dir: string): string[];
}

/**
 * Runs a CommonJS file through `vm.Script` with a V8 code cache kept beside it (or in the temp folder when its
 * folder is read-only): the first run compiles and writes the cache at exit, so that it also holds the
 * functions compiled while the command ran; later runs deserialise instead of parsing and compiling. A cache
 * V8 rejects (another Node version, other V8 flags) is rewritten.
 */
export function runWithCodeCache(file: string, parent: NodeModule | undefined): unknown {
  const internals = Module as unknown as ModuleInternals;
  const caches = [`${file}.v8cache`, join(tmpdir(), `nest-migrations-${basename(dirname(dirname(file)))}-${hash(file)}.v8cache`)];
  let cachedData: Buffer | undefined;
  for (const path of caches) {
    try {
      cachedData = readFileSync(path);
      break;
    } catch {
      // Not there: try the next place, else compile without.
    }
  }
  const raw = readFileSync(file);
  // The bundle is written as ASCII: latin1 is then exact and spares decoding a few MB as UTF-8.
  const source = isAscii(raw) ? raw.toString('latin1') : raw.toString('utf8');
  const script = new Script(internals.wrap(source), { filename: file, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => writeCache(caches, script));
  const mod = new Module(file, parent);
  mod.filename = file;
  mod.paths = internals._nodeModulePaths(dirname(file));
  const compiled = script.runInThisContext() as (exports: unknown, req: NodeJS.Require, module: NodeModule, filename: string, dirname: string) => void;
  compiled.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  return mod.exports;
}

function writeCache(paths: readonly string[], script: Script): void {
  const data = script.createCachedData();
  for (const path of paths) {
    try {
      const temporary = `${path}.${process.pid}`;
      writeFileSync(temporary, data);
      renameSync(temporary, path);
      return;
    } catch {
      // Read-only: the next place.
    }
  }
}

function hash(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16);
}
