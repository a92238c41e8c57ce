import { join } from 'node:path';
import Module = require('node:module');
import { runWithCodeCache } from './fast-start/code-cache';
import { BUNDLE_DIR, freshManifest } from './fast-start/manifest';

type Load = (request: string, parent: NodeModule | undefined, isMain: boolean) => unknown;

/**
 * Fast start for the CLI (`nest-migrations/fast-start`): the first line of a CommonJS app's compiled entry,
 * written there by `nest-migrations bundle`. When the process runs a `db` command and the bundle is fresh,
 * the framework packages the app requires (NestJS, TypeORM, pg, nest-commander, this package …) are served
 * from one bundle compiled with a V8 code cache, instead of resolving and loading some 1500 files one by one;
 * the app's own files still load from disk as built. In every other case — serving HTTP, no bundle, a stale
 * one (an install since), another Node — it does nothing, and the app loads as it always does.
 *
 * Importing this file loads nothing else of the package.
 */
export function activate(entryDir: string, argv: readonly string[] = process.argv): boolean {
  if (argv[2] !== 'db' || process.env.NEST_MIGRATIONS_FAST_START === 'off') return false;
  const { manifest, stale } = freshManifest(entryDir);
  if (!manifest) {
    if (stale && verbose(argv)) process.stderr.write(`fast start: not used, the bundle is stale (${stale}): run \`nest-migrations bundle\` again\n`);
    return false;
  }
  const served = new Set(manifest.packages);
  const internals = Module as unknown as { _load: Load };
  const load = internals._load;
  let packages: Record<string, unknown> | undefined;
  internals._load = function fastLoad(this: unknown, request, parent, isMain) {
    if (packages && served.has(request)) return packages[request];
    return load.call(this, request, parent, isMain);
  };
  packages = runWithCodeCache(join(entryDir, BUNDLE_DIR, manifest.bundle), module) as Record<string, unknown>;
  if (verbose(argv)) process.stderr.write(`fast start: ${manifest.packages.length} packages from ${join(entryDir, BUNDLE_DIR, manifest.bundle)}\n`);
  return true;
}

function verbose(argv: readonly string[]): boolean {
  return argv.includes('--verbose') || /\bnest-migrations\b/.test(process.env.DEBUG ?? '');
}
