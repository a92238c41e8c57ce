import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * Finds the folder of compiled migrations for a source folder. The build mirrors the project tree under
 * the output folder, so `migrations/` compiles to `dist/migrations/` and `src/migrations/` to
 * `dist/migrations/` or `dist/src/migrations/` depending on the compiler's root: try each suffix of the
 * source path below the running entry file's folder and its parents.
 */
export function findCompiledDir(sourceDir: string, entryFile: string | undefined, cwd = process.cwd()): string | undefined {
  if (hasJs(sourceDir)) return sourceDir;
  if (!entryFile) return undefined;
  const parts = relative(cwd, sourceDir).split(sep).filter(Boolean);
  if (!parts.length || parts[0] === '..') return undefined;
  const suffixes = parts.map((_, i) => parts.slice(i).join(sep));
  let dir = dirname(entryFile);
  for (let depth = 0; depth < 4; depth++) {
    for (const suffix of suffixes) {
      const candidate = join(dir, suffix);
      if (candidate !== sourceDir && hasJs(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir || relative(cwd, parent).startsWith('..')) break;
    dir = parent;
  }
  return undefined;
}

function hasJs(dir: string): boolean {
  if (!existsSync(dir)) return false;
  try {
    return readdirSync(dir).some((name) => name.endsWith('.js'));
  } catch {
    return false;
  }
}
