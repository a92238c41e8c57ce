import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { OperationFailedError } from '../../core/errors';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Where the compiled twin of a migrations source folder was found, and how. */
export interface CompiledLocation {
  dir: string;
  /** How it was found, for messages: `the source folder holds JavaScript`, `outDir of tsconfig.build.json`, ... */
  via: string;
}

/**
 * Finds the folder the migrations are loaded from, from the app's own configuration:
 *
 * 1. the source folder itself, when it holds JavaScript (a JS project, or an already compiled tree);
 * 2. the app's build tsconfig (nest-cli.json's `compilerOptions.tsConfigPath`, else `tsconfig.build.json`, else
 *    `tsconfig.json`, following `extends`): `outDir` + the folder's path below `rootDir`;
 * 3. beside the running entry file (`process.argv[1]`, which ES-module apps have too, unlike `require.main`):
 *    the folder's path, or a suffix of it, below the entry's folder or its parents (`dist/migrations` for
 *    `dist/main.js` or `dist/src/main.js`).
 *
 * `undefined` when none holds JavaScript; the caller says what is missing.
 */
export function locateCompiledMigrations(
  sourceDir: string,
  entryFile: string | undefined = process.argv[1],
  cwd = process.cwd(),
): CompiledLocation | undefined {
  if (hasJs(sourceDir)) return { dir: sourceDir, via: 'the folder holds JavaScript' };
  const fromConfig = fromTsconfig(sourceDir, cwd);
  if (fromConfig && hasJs(fromConfig.dir)) return fromConfig;
  const besideEntry = findBesideEntry(sourceDir, entryFile ? resolve(cwd, entryFile) : undefined, cwd);
  if (besideEntry) return { dir: besideEntry, via: `found beside the entry file ${relative(cwd, entryFile as string) || entryFile}` };
  return undefined;
}

/** Candidate places, for the message when nothing was found. */
export function compiledCandidates(sourceDir: string, cwd = process.cwd()): string[] {
  const fromConfig = fromTsconfig(sourceDir, cwd);
  return fromConfig ? [relative(cwd, fromConfig.dir) || '.'] : [];
}

function fromTsconfig(sourceDir: string, cwd: string): CompiledLocation | undefined {
  for (const name of tsconfigCandidates(cwd)) {
    const path = resolve(cwd, name);
    if (!existsSync(path)) continue;
    const config = readTsconfig(path);
    if (!config?.outDir) return undefined;
    const rootDir = config.rootDir ?? commonRoot(config.include, dirname(path));
    const below = relative(rootDir, sourceDir);
    if (below.startsWith('..') || isAbsolute(below)) return undefined;
    return { dir: join(config.outDir, below), via: `outDir of ${name}` };
  }
  return undefined;
}

/**
 * How a new migration file reaches the runtime: `as-is` when migrations load from their source folder
 * (JavaScript, or TypeScript under ts-node/Jest); `build` when the app's build compiles them, with whether
 * the build tsconfig's `include` covers the folder (`undefined`: no tsconfig says).
 */
export function buildStep(sourceDir: string, compiled?: string, cwd = process.cwd()): { kind: 'as-is' } | { kind: 'build'; includes?: boolean; tsconfig?: string } {
  if (!compiled) {
    const located = locateCompiledMigrations(sourceDir, process.argv[1], cwd);
    if (located?.dir === sourceDir || (!located && (!hasTypeScript(sourceDir) || canRequireTypeScript()))) return { kind: 'as-is' };
  }
  for (const name of tsconfigCandidates(cwd)) {
    const path = resolve(cwd, name);
    if (!existsSync(path)) continue;
    const include = readTsconfig(path)?.include;
    if (!include) return { kind: 'build', includes: true, tsconfig: name };
    const covers = include.some((pattern) => {
      const root = commonRoot([pattern], dirname(path));
      const below = relative(root, sourceDir);
      return !below.startsWith('..') && !isAbsolute(below);
    });
    return { kind: 'build', includes: covers, tsconfig: name };
  }
  return { kind: 'build' };
}

function tsconfigCandidates(cwd: string): string[] {
  const nestCli = readJsonc(join(cwd, 'nest-cli.json')) as { compilerOptions?: { tsConfigPath?: unknown } } | undefined;
  const configured = nestCli?.compilerOptions?.tsConfigPath;
  return [...(typeof configured === 'string' ? [configured] : []), 'tsconfig.build.json', 'tsconfig.json'];
}

interface BuildLayout {
  /** Absolute. */
  outDir?: string;
  /** Absolute. */
  rootDir?: string;
  /** Absolute patterns. */
  include?: string[];
}

/** `outDir`, `rootDir` and `include` of a tsconfig, following `extends`; paths are relative to the file that sets them. */
function readTsconfig(path: string, depth = 0): BuildLayout | undefined {
  const raw = readJsonc(path) as { extends?: unknown; compilerOptions?: Record<string, unknown>; include?: unknown } | undefined;
  if (!raw || depth > 8) return undefined;
  const base: BuildLayout = {};
  const parents = Array.isArray(raw.extends) ? raw.extends : raw.extends === undefined ? [] : [raw.extends];
  for (const parent of parents) {
    const parentPath = typeof parent === 'string' ? resolveExtends(parent, dirname(path)) : undefined;
    if (parentPath) Object.assign(base, readTsconfig(parentPath, depth + 1));
  }
  const here = dirname(path);
  const options = raw.compilerOptions ?? {};
  return {
    outDir: typeof options.outDir === 'string' ? resolve(here, options.outDir) : base.outDir,
    rootDir: typeof options.rootDir === 'string' ? resolve(here, options.rootDir) : base.rootDir,
    include: Array.isArray(raw.include) ? raw.include.filter((p): p is string => typeof p === 'string').map((p) => resolve(here, p)) : base.include,
  };
}

function resolveExtends(spec: string, from: string): string | undefined {
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const path = resolve(from, spec);
    return existsSync(path) ? path : existsSync(`${path}.json`) ? `${path}.json` : undefined;
  }
  try {
    return createRequire(join(from, 'noop.js')).resolve(spec);
  } catch {
    return undefined;
  }
}

/** TypeScript's default rootDir is the common folder of the inputs: approximated by the include patterns' fixed parts. */
function commonRoot(include: string[] | undefined, fallback: string): string {
  if (!include?.length) return fallback;
  const fixed = include.map((pattern) => {
    const parts = pattern.split(/[\\/]/);
    const wild = parts.findIndex((part) => /[*?{]/.test(part));
    const kept = wild < 0 ? parts.slice(0, -1) : parts.slice(0, wild);
    return kept.join(sep) || sep;
  });
  return fixed.reduce((a, b) => {
    const left = a.split(sep);
    const right = b.split(sep);
    let i = 0;
    while (i < left.length && i < right.length && left[i] === right[i]) i++;
    return left.slice(0, i).join(sep) || sep;
  });
}

/** JSON with comments and trailing commas (tsconfig, nest-cli.json); `undefined` when absent or unreadable. */
export function readJsonc(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(stripJsonComments(text));
  } catch {
    return undefined;
  }
}

function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/**
 * The build mirrors the project tree under the output folder, so `migrations/` compiles to `dist/migrations/`
 * and `src/migrations/` to `dist/migrations/` or `dist/src/migrations/` depending on the compiler's root: try
 * each suffix of the source path below the entry file's folder and its parents, up to the working directory.
 */
export function findBesideEntry(sourceDir: string, entryFile: string | undefined, cwd = process.cwd()): string | undefined {
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

export function hasJs(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && readdirSync(dir).some((name) => /\.(c|m)?js$/.test(name));
  } catch {
    return false;
  }
}

/**
 * The folder to load migrations from: `compiled` when configured, else the located twin of `source`, else
 * `source` itself when it holds no migrations or when TypeScript can be loaded as is (ts-node, Jest). A folder
 * of TypeScript migrations with no compiled twin is refused with what was looked at.
 */
export function migrationsFolder(source: string, compiled?: string, cwd = process.cwd()): string {
  if (compiled) return compiled;
  const located = locateCompiledMigrations(source, process.argv[1], cwd);
  if (located) return located.dir;
  if (!hasTypeScript(source) || canRequireTypeScript()) return source;
  const looked = compiledCandidates(source, cwd);
  const shown = relative(cwd, source) || source;
  throw new OperationFailedError(
    `The migrations in ${shown}/ are TypeScript and no compiled copy of them was found` +
      `${looked.length ? ` (looked in ${looked.join(', ')}, and beside the entry file)` : ' (looked beside the entry file)'}`,
    `Build the app (e.g. \`npm run build\`) with ${shown}/ in its tsconfig "include", or set \`compiledMigrationsDir\`.`,
    'migrations_not_compiled',
  );
}

function hasTypeScript(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => /\.(c|m)?ts$/.test(name) && !/\.d\.(c|m)?ts$/.test(name));
  } catch {
    return false;
  }
}

/** ts-node/tsx register a `.ts` loader; Jest transforms on require. */
function canRequireTypeScript(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return '.ts' in require.extensions || process.env.JEST_WORKER_ID !== undefined;
}

/** A path as people read it: relative to the working directory when inside it, else absolute. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const below = relative(cwd, path);
  return below && !below.startsWith('..') && !isAbsolute(below) ? below : path;
}
