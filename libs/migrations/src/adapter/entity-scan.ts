import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** An entity class declared in a source file. */
export interface DeclaredEntity {
  /** Path relative to the scanned root's parent (e.g. `src/payments/payment.entity.ts`). */
  file: string;
  className: string;
  /** The decorator that declares it: `MigrationEntity` registers itself; the TypeORM ones need a module to load them. */
  decorator: 'MigrationEntity' | 'Entity' | 'ViewEntity' | 'ChildEntity';
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', '__fixtures__', 'fixtures']);
const DECLARATION = /@(MigrationEntity|Entity|ViewEntity|ChildEntity)\s*\(/g;
const NEXT_CLASS = /\bclass\s+([A-Za-z_$][\w$]*)/g;
const OWN_PACKAGE = 'nest-migrations';

/**
 * Finds classes declared as TypeORM entities in a source tree, by their decorator. The point is the guide's
 * "Empty Migration Generated" trap: a file that declares an entity but that no loaded module imports is
 * invisible to TypeORM, so it must be found from the sources, not from the running app. Comments, strings
 * and template literals are not code, so a decorator mentioned there declares nothing; node_modules and this
 * package's own sources are never scanned.
 */
export function scanEntityDeclarations(root: string, base = join(root, '..')): DeclaredEntity[] {
  if (!existsSync(root) || isOwnPackage(root)) return [];
  const found: DeclaredEntity[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        const child = join(dir, entry.name);
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.') && !isOwnPackage(child)) walk(child);
        continue;
      }
      if (!/\.(ts|js|mts|cts|mjs|cjs)$/.test(entry.name) || /\.(d|spec|test|e2e-spec)\.[cm]?ts$/.test(entry.name)) continue;
      const path = join(dir, entry.name);
      for (const declared of declaredClasses(readFileSync(path, 'utf8'))) {
        found.push({ file: relative(base, path), ...declared });
      }
    }
  };
  walk(root);
  return found;
}

/** Class names that follow an entity decorator in a source text, with the decorator's name. */
export function declaredClasses(source: string): Omit<DeclaredEntity, 'file'>[] {
  const code = blankNonCode(source);
  const found: Omit<DeclaredEntity, 'file'>[] = [];
  for (const match of code.matchAll(DECLARATION)) {
    NEXT_CLASS.lastIndex = (match.index ?? 0) + match[0].length;
    const next = NEXT_CLASS.exec(code);
    if (next && !found.some((entity) => entity.className === next[1])) {
      found.push({ className: next[1], decorator: match[1] as DeclaredEntity['decorator'] });
    }
  }
  return found;
}

/**
 * The source with comments, string literals and the text parts of template literals replaced by spaces
 * (expressions inside `${}` stay code), so that positions are kept and only code is searched.
 */
export function blankNonCode(source: string): string {
  const out = source.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  /** Brace depth of each open `${` of a template literal, innermost last. */
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const scanTemplate = (start: number): number => {
    // From just after a backtick or a closing `}`, to the end of the template or the next `${`.
    let j = start;
    while (j < source.length && source[j] !== '`' && !(source[j] === '$' && source[j + 1] === '{')) j += source[j] === '\\' ? 2 : 1;
    blank(start, Math.min(j, source.length));
    if (source[j] === '$') {
      templates.push(depth);
      depth++;
      return j + 2;
    }
    return j + 1;
  };
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, source.length));
      i = j + 1;
    } else if (c === '`') {
      i = scanTemplate(i + 1);
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      i++;
      if (templates.length && templates[templates.length - 1] === depth) {
        templates.pop();
        i = scanTemplate(i);
      }
    } else {
      i++;
    }
  }
  return out.join('');
}

function isOwnPackage(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === OWN_PACKAGE;
  } catch {
    return false;
  }
}

