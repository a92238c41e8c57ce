'use strict';
// What every benchmark does before measuring: read N, R and flags, check the build, warn when it is stale.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..', '..');

/** `[N] [R] [--flags]` from argv; exits 2 with the usage line when N or R is not a whole number >= min. */
function parseArgs(script, defaults) {
  const args = process.argv.slice(2);
  const positional = args.filter((a) => !a.startsWith('--'));
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const N = positional[0] ? Number(positional[0]) : defaults.N;
  const R = positional[1] ? Number(positional[1]) : defaults.R;
  const minN = defaults.minN ?? 1;
  if (!Number.isInteger(N) || N < minN || !Number.isInteger(R) || R < 1) {
    console.error(`usage: node bench/${script} [N>=${minN}] [R>=1] [--json] [--keep]`);
    process.exit(2);
  }
  return { N, R, flags, json: flags.has('--json') };
}

/** Exits 2 unless the build the benchmark runs exists. */
function requireBuild(file) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: run \`npm run build\` first.`);
    process.exit(2);
  }
}

/** Library sources newer than the build, relative to the repository: the run measures dist, which may lag them. */
function staleSources(builtFile) {
  const than = statSync(builtFile).mtimeMs;
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name) && statSync(path).mtimeMs > than) found.push(path.slice(ROOT.length + 1));
    }
  };
  walk(join(ROOT, 'libs', 'migrations', 'src'));
  return found;
}

module.exports = { ROOT, parseArgs, requireBuild, staleSources };
