import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Folder beside the app's entry file that holds the bundle, its manifest and its code cache. */
export const BUNDLE_DIR = '.nest-migrations';
export const MANIFEST = 'cli-bundle.json';

/** What `nest-migrations bundle` wrote, and what fast start checks before it trusts the bundle. */
export interface BundleManifest {
  version: 1;
  /** The bundle, relative to the manifest's folder. */
  bundle: string;
  /** Package names the bundle serves to `require()`. */
  packages: string[];
  /** The Node version and V8 flags it was built for (a code cache is only valid for them). */
  node: string;
  /**
   * Each bundled package's package.json as it was when bundling (path relative to the bundle's folder, size,
   * mtime), and each file taken from a linked package (a workspace): an install, an upgrade or a rebuild of a
   * linked package changes one of them, and the bundle is then stale.
   */
  stamps: { file: string; size: number; mtimeMs: number }[];
}

export function manifestPath(entryDir: string): string {
  return join(entryDir, BUNDLE_DIR, MANIFEST);
}

/** The manifest, when present, readable and still true of node_modules; `undefined` otherwise. */
export function freshManifest(entryDir: string): { manifest?: BundleManifest; stale?: string } {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(entryDir), 'utf8')) as BundleManifest;
  } catch {
    return {};
  }
  if (manifest.version !== 1 || !Array.isArray(manifest.packages) || !Array.isArray(manifest.stamps)) return { stale: 'the manifest is of another version' };
  if (manifest.node !== process.version) return { stale: `it was built for Node ${manifest.node}` };
  const dir = join(entryDir, BUNDLE_DIR);
  for (const stamp of manifest.stamps) {
    try {
      const stat = statSync(resolve(dir, stamp.file));
      if (stat.size !== stamp.size || stat.mtimeMs !== stamp.mtimeMs) return { stale: `${stamp.file} changed since` };
    } catch {
      return { stale: `${stamp.file} is gone` };
    }
  }
  return { manifest };
}
