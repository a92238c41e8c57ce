import { builtinModules, createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { BUNDLE_DIR, MANIFEST, type BundleManifest } from './manifest';

const BUNDLE = 'cli-bundle.js';
const MARKER = '// nest-migrations bundle: fast CLI start';

/**
 * Packages left out of the bundle: loaded on demand by the code that needs them (the SQL parser, the embedded
 * database and their WASM files, the generator's TypeScript, serve mode's HTTP platform, shell completion),
 * optional peers of NestJS, and TypeORM's drivers for other databases.
 */
const EXTERNAL = [
  'pg-native', 'libpg-query', '@electric-sql/pglite', 'typescript', '@fig/complete-commander', 'esbuild',
  '@nestjs/platform-express', '@nestjs/platform-fastify', '@nestjs/microservices', '@nestjs/websockets', '@nestjs/testing',
  'class-validator', 'class-transformer', '@nestjs/axios', '@nestjs/mongoose', '@nestjs/sequelize', '@grpc/grpc-js',
  '@opentelemetry/api', '@nestjs/event-emitter',
  'mysql', 'mysql2', 'oracledb', 'mssql', 'sqlite3', 'better-sqlite3', 'sql.js', 'mongodb', 'mongoose', 'hdb-pool', '@sap/hana-client',
  'typeorm-aurora-data-api-driver', 'react-native-sqlite-storage', 'expo-sqlite', '@google-cloud/spanner', 'ioredis', 'redis',
  'pg-query-stream', '@sqlitecloud/drivers',
];

export interface BundleReport {
  /** The requests served from the bundle. */
  packages: string[];
  bytes: number;
  ms: number;
  /** Whether the entry file now starts with the fast-start line (false for an ES-module entry). */
  patched: boolean;
  bundle: string;
}

/**
 * `nest-migrations bundle`: bundles the packages the compiled app requires into one file beside its entry
 * (`.nest-migrations/cli-bundle.js`, with a manifest), and makes the entry's first line activate fast start
 * (see fast-start.ts). Needs esbuild, resolved from the app (a dev dependency), at build time only.
 */
export async function buildCliBundle(entry: string, log: (line: string) => void = () => undefined): Promise<BundleReport> {
  const started = Date.now();
  if (!existsSync(entry)) throw new Error(`No compiled entry at ${entry}: build the app first, or pass --entry`);
  const entryDir = dirname(entry);
  const appRequire = createRequire(entry);
  const esbuild = loadEsbuild(appRequire);
  const packages = requestsOf(entryDir).filter((request) => resolvable(appRequire, request));
  const dir = join(entryDir, BUNDLE_DIR);
  mkdirSync(dir, { recursive: true });
  const source = join(dir, 'cli-bundle.entry.js');
  writeFileSync(source, `module.exports = {\n${packages.map((p) => `  ${JSON.stringify(p)}: require(${JSON.stringify(p)}),`).join('\n')}\n};\n`);
  const temporary = join(dir, `${BUNDLE}.${process.pid}`);
  try {
    const result = await esbuild.build({
      entryPoints: [source],
      outfile: temporary,
      absWorkingDir: entryDir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      // Class and function names stay: NestJS and TypeORM read `constructor.name` (tokens, entity names).
      keepNames: true,
      minify: true,
      // ASCII lets fast start read the bundle as latin1, without decoding it as UTF-8.
      charset: 'ascii',
      legalComments: 'none',
      logLevel: 'error',
      external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
      plugins: [optionalPackagesPlugin, importMetaPlugin, typeormDriverPlugin],
      metafile: true,
    });
    renameSync(temporary, join(dir, BUNDLE));
    const manifest: BundleManifest = { version: 1, bundle: BUNDLE, packages, node: process.version, stamps: stampsOf(Object.keys(result.metafile?.inputs ?? {}), entryDir) };
    writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  } finally {
    rmSync(temporary, { force: true });
    rmSync(source, { force: true });
  }
  for (const name of readdirSync(dir)) if (name.endsWith('.v8cache')) rmSync(join(dir, name), { force: true });
  const patched = patchEntry(entry);
  if (!patched) log(`${relative(process.cwd(), entry)} is an ES module: fast start serves CommonJS apps only, so it stays as it is`);
  return { packages, bytes: statSync(join(dir, BUNDLE)).size, ms: Date.now() - started, patched, bundle: join(dir, BUNDLE) };
}

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile?: { inputs: Record<string, unknown> } }>;
}

function loadEsbuild(appRequire: NodeJS.Require): Esbuild {
  try {
    return appRequire('esbuild') as Esbuild;
  } catch {
    throw new Error('`nest-migrations bundle` needs esbuild at build time: npm install --save-dev esbuild');
  }
}

const BUILTINS = new Set(builtinModules);
const REQUIRE = /\brequire\(\s*(["'])([^"'.][^"']*)\1\s*\)/g;

/** Bare `require('…')` requests of the compiled app (its folder, migrations included), outside node_modules. */
function requestsOf(root: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== BUNDLE_DIR && !entry.name.startsWith('.')) walk(join(dir, entry.name));
      } else if (['.js', '.cjs'].includes(extname(entry.name))) {
        for (const match of readFileSync(join(dir, entry.name), 'utf8').matchAll(REQUIRE)) found.add(match[2]);
      }
    }
  };
  walk(root);
  return [...found].filter((request) => !request.startsWith('node:') && !BUILTINS.has(request) && !isExternal(request)).sort();
}

function isExternal(request: string): boolean {
  return EXTERNAL.some((name) => request === name || request.startsWith(`${name}/`));
}

function resolvable(appRequire: NodeJS.Require, request: string): boolean {
  try {
    appRequire.resolve(request);
    return true;
  } catch {
    return false;
  }
}

/**
 * The package.json of every installed package the bundle took files from: an install or upgrade changes one.
 * A linked package (a workspace, `npm link`, `file:`) resolves outside node_modules and changes without a new
 * package.json, on each rebuild: every file the bundle took from it is stamped instead.
 */
function stampsOf(inputs: readonly string[], cwd: string): BundleManifest['stamps'] {
  const manifests = new Set<string>();
  for (const input of inputs) {
    const path = join(cwd, input);
    const parts = path.split(sep);
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) {
      if (!path.startsWith(join(cwd, BUNDLE_DIR) + sep)) manifests.add(path); // not the generated entry
      continue;
    }
    const depth = parts[at + 1]?.startsWith('@') ? 2 : 1;
    manifests.add(join(parts.slice(0, at + 1 + depth).join(sep) || sep, 'package.json'));
  }
  // Relative to the bundle's folder: an image built in one place runs the same tree elsewhere.
  return [...manifests].filter((file) => existsSync(file)).sort().map((file) => {
    const stat = statSync(file);
    return { file: relative(join(cwd, BUNDLE_DIR), file), size: stat.size, mtimeMs: stat.mtimeMs };
  });
}

/** Prepends the fast-start line to a CommonJS entry (once); an ES-module entry is left alone. */
function patchEntry(entry: string): boolean {
  if (isEsModule(entry)) return false;
  const text = readFileSync(entry, 'utf8');
  if (text.includes(MARKER)) return true;
  const shebang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1) : '';
  writeFileSync(entry, `${shebang}require('nest-migrations/fast-start').activate(__dirname); ${MARKER}\n${text.slice(shebang.length)}`);
  return true;
}

function isEsModule(file: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module';
    if (dirname(dir) === dir) return false;
  }
}

type OnResolve = (options: { filter: RegExp }, callback: (args: { path: string; resolveDir: string }) => { path: string; external: boolean } | undefined) => void;

/**
 * Packages that are not installed stay external: libraries require their optional peers inside a `try` or only
 * when used (terminus' MikroORM indicator, TypeORM's other drivers). Loading one at run time fails there, as it
 * would without the bundle.
 */
const optionalPackagesPlugin = {
  name: 'missing-packages-external',
  setup(build: { onResolve: OnResolve }): void {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (BUILTINS.has(args.path) || args.path.startsWith('node:')) return undefined;
      try {
        createRequire(join(args.resolveDir, 'noop.js')).resolve(packageName(args.path) + '/package.json');
        return undefined;
      } catch {
        return isInstalled(args.path, args.resolveDir) ? undefined : { path: args.path, external: true };
      }
    });
  },
};

function packageName(request: string): string {
  const parts = request.split('/');
  return request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Whether a package folder exists on the resolution path (its package.json may be hidden by `exports`). */
function isInstalled(request: string, from: string): boolean {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', packageName(request)))) return true;
    if (dirname(dir) === dir) return false;
  }
}

type OnLoad = (options: { filter: RegExp }, callback: (args: { path: string }) => { contents: string; loader: string } | undefined) => void;

/**
 * NestJS 12's ES modules reach packages through `createRequire(import.meta.url)` and check peers with
 * `import.meta.resolve`; in a CommonJS bundle `import.meta` is empty. Rewritten to plain `require`, which the
 * bundle then serves (so @nestjs/typeorm gets the bundled TypeORM, not a second copy) or leaves to Node.
 */
const importMetaPlugin = {
  name: 'import-meta-require',
  setup(build: { onLoad: OnLoad }): void {
    build.onLoad({ filter: /[\\/]node_modules[\\/]@nestjs[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const contents = source
        .replace(/^const require = createRequire\(import\.meta\.url\);$/m, '')
        .replace(/createRequire\(import\.meta\.url\)\(/g, 'require(')
        .replace(/import\.meta\.resolve\(/g, 'require.resolve(');
      return { contents, loader: 'js' };
    });
  },
};

/** TypeORM loads its driver with `require(name)`, which a bundler cannot follow: spelled out for pg. */
const typeormDriverPlugin = {
  name: 'typeorm-pg-driver',
  setup(build: { onLoad: OnLoad }): void {
    build.onLoad({ filter: /[\\/]node_modules[\\/]typeorm[\\/]platform[\\/]PlatformTools\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(/return require\(name\);/, "if (name === 'pg') return require('pg');\n            return require(name);");
      return contents === source ? undefined : { contents, loader: 'js' };
    });
  },
};
