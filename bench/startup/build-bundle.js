'use strict';
// Study prototype (bench/startup-study.md): bundles with esbuild, a dependency of the benchmarks only
// (bench/package.json). Not part of the package.
//
//   bundle({ entry, outfile, minify })   one CommonJS file: the entry and everything it requires from
//                                        node_modules, except the packages that are optional, loaded on demand,
//                                        or carry files of their own (WASM, data), which stay external
//   vendorBundle({ outfile, packages })  the same for a list of packages only: module.exports maps each name to
//                                        its exports (see registerVendor in run-cached.js)
const { writeFileSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/** Resolved from the repository, like the app's own requires. */
const ROOT = join(__dirname, '..', '..');

// Loaded on demand by the code that needs them (SQL parser, embedded database, generator, serve mode, shell
// completion), optional peers of Nest and TypeORM, or drivers for other databases: left out of the bundle.
const EXTERNAL = [
  'pg-native', 'libpg-query', '@electric-sql/pglite', 'typescript', '@fig/complete-commander',
  '@nestjs/platform-express', '@nestjs/microservices', '@nestjs/microservices/*', '@nestjs/websockets', '@nestjs/websockets/*',
  'class-validator', 'class-transformer', '@nestjs/axios', '@nestjs/mongoose', '@nestjs/sequelize', '@mikro-orm/*', '@grpc/*',
  'mysql', 'mysql2', 'oracledb', 'mssql', 'sqlite3', 'better-sqlite3', 'sql.js', 'mongodb', 'mongoose', 'sequelize', 'hdb-pool',
  '@sap/hana-client', '@sap/hana-client/*', 'typeorm-aurora-data-api-driver', 'react-native-sqlite-storage', 'expo-sqlite',
  '@google-cloud/spanner', 'ioredis', 'redis', 'pg-query-stream', '@sqlitecloud/drivers',
];

/**
 * NestJS 12's ES modules reach a few packages through `createRequire(import.meta.url)` and check peers with
 * `import.meta.resolve`; in a CommonJS bundle `import.meta` is empty. Rewritten to plain `require`, which
 * esbuild then bundles when the name is a literal (so `@nestjs/typeorm` gets the bundled `typeorm`, not a
 * second copy), or leaves to Node at run time when it is not.
 */
const importMetaPlugin = {
  name: 'import-meta-require',
  setup(build) {
    build.onLoad({ filter: /node_modules\/@nestjs\/.*\.js$/ }, (args) => {
      let src = readFileSync(args.path, 'utf8');
      if (!src.includes('import.meta')) return undefined;
      src = src
        .replace(/^const require = createRequire\(import\.meta\.url\);$/m, '')
        .replace(/createRequire\(import\.meta\.url\)\(/g, 'require(')
        .replace(/import\.meta\.resolve\(/g, 'require.resolve(');
      return { contents: src, loader: 'js' };
    });
  },
};

/**
 * TypeORM loads its driver with `require(name)` (PlatformTools.load), which esbuild cannot follow: without help,
 * pg and its 30 files would load from node_modules one by one even in a bundle. Spelled out for pg.
 */
const typeormDriverPlugin = {
  name: 'typeorm-driver',
  setup(build) {
    build.onLoad({ filter: /node_modules\/typeorm\/platform\/PlatformTools\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const patched = src.replace(/return require\(name\);/, "if (name === 'pg') return require('pg');\n            return require(name);");
      if (patched === src) throw new Error(`typeorm-driver: PlatformTools.load changed shape in ${args.path}`);
      return { contents: patched, loader: 'js' };
    });
  },
};

function esbuild() {
  try {
    return require('esbuild');
  } catch {
    throw new Error('esbuild is missing: run `npm ci` in bench/ (the benchmark does it on first run)');
  }
}

async function bundle({ entry, outfile, minify = true, external = [] }) {
  const started = Date.now();
  const result = await esbuild().build({
    entryPoints: [entry],
    outfile,
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Class and function names stay: Nest and TypeORM read `constructor.name` (tokens, entity names).
    keepNames: true,
    minify,
    charset: 'ascii', // lets the loader read the file as latin1, skipping UTF-8 decoding (run-cached.js)
    legalComments: 'none',
    logLevel: 'error',
    external: [...EXTERNAL, ...external],
    plugins: [importMetaPlugin, typeormDriverPlugin],
    metafile: true,
  });
  return { outfile, ms: Date.now() - started, bytes: readFileSync(outfile).length, metafile: result.metafile };
}

/** A bundle whose exports map each package name to that package's exports. */
async function vendorBundle({ outfile, packages, minify = true }) {
  const entry = `${outfile}.entry.js`;
  writeFileSync(entry, `module.exports = {\n${packages.map((p) => `  ${JSON.stringify(p)}: require(${JSON.stringify(p)}),`).join('\n')}\n};\n`);
  return bundle({ entry, outfile, minify });
}

module.exports = { bundle, vendorBundle, ROOT };
