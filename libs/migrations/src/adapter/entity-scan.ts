import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** An entity class declared in a source file. */
export interface DeclaredEntity {
  /** Path relative to the scanned root's parent (e.g. `src/payments/payment.entity.ts`). */
  file: string;
  className: string;
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', '__fixtures__', 'fixtures']);
const DECLARATION = /@(?:Entity|MigrationEntity|ViewEntity|ChildEntity)\s*\(/g;
const NEXT_CLASS = /\bclass\s+([A-Za-z_$][\w$]*)/g;

/**
 * Finds classes declared as TypeORM entities in a source tree, by their decorator. The point is the guide's
 * "Empty Migration Generated" trap: a file that declares an entity but that no loaded module imports is
 * invisible to TypeORM, so it must be found from the sources, not from the running app.
 */
export function scanEntityDeclarations(root: string, base = join(root, '..')): DeclaredEntity[] {
  if (!existsSync(root)) return [];
  const found: DeclaredEntity[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(join(dir, entry.name));
        continue;
      }
      if (!/\.(ts|js)$/.test(entry.name) || /\.(d|spec|test|e2e-spec)\.ts$/.test(entry.name)) continue;
      const path = join(dir, entry.name);
      for (const className of declaredClasses(readFileSync(path, 'utf8'))) {
        found.push({ file: relative(base, path), className });
      }
    }
  };
  walk(root);
  return found;
}

/** Class names that follow an entity decorator in a source text. */
export function declaredClasses(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(DECLARATION)) {
    NEXT_CLASS.lastIndex = (match.index ?? 0) + match[0].length;
    const next = NEXT_CLASS.exec(source);
    if (next && !names.includes(next[1])) names.push(next[1]);
  }
  return names;
}
