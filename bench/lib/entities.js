'use strict';
// Writes a generated app of N TypeORM entities as plain CommonJS (decorators applied as functions, explicit
// column types so no `design:type` metadata is needed), plus the two entry points the generate benchmark
// drives: ours-main.js (a Nest app with TypeOrmModule + MigrationsModule, run through `runApp`) and
// datasource.js (a DataSource for TypeORM's own CLI). Both load the very same entity files. Modules are
// required by absolute path, resolved from the repository, so the temp folder needs no node_modules.
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

/** Absolute path of a package entry, resolved the way the repository resolves it. */
const resolveFrom = (root, id) => require.resolve(id, { paths: [root] });

const pad = (i, width) => String(i).padStart(width, '0');

/**
 * The shape of entity i (0-based), deterministic: 5-8 columns from a realistic mix, an index on some, a
 * ManyToOne to an earlier entity on some. `extra` adds one nullable column (the incremental case).
 */
function entitySource(i, n, { typeormPath, reflectPath, extra = false }) {
  const width = Math.max(3, String(n).length);
  const cls = `E${pad(i + 1, width)}`;
  const table = `e${pad(i + 1, width)}`;
  const lines = [];
  const fields = [];
  const requires = [];
  let columns = 0;
  const col = (prop, options) => {
    columns++;
    fields.push(`Column(${options})(${cls}.prototype, '${prop}');`);
  };
  fields.push(`PrimaryGeneratedColumn()(${cls}.prototype, 'id');`);
  columns++;
  col('name', `{ type: 'varchar', length: 100 }`);
  if (i % 2 === 0) col('quantity', `{ type: 'integer', default: 0 }`);
  if (i % 3 !== 0) col('price', `{ type: 'numeric', precision: 10, scale: 2 }`);
  col('active', `{ type: 'boolean', default: true }`);
  col('createdAt', `{ name: 'created_at', type: 'timestamptz', default: () => 'now()' }`);
  const hasParent = i > 0 && i % 3 === 1;
  if (i % 4 !== 3 || columns < 5) col('notes', `{ type: 'text', nullable: true }`);
  if (i % 5 === 1 && columns + (hasParent ? 1 : 0) < 8) col('code', `{ type: 'varchar', length: 32, unique: true }`);
  if (extra) col('extraNote', `{ name: 'extra_note', type: 'varchar', length: 64, nullable: true }`);
  if (hasParent) {
    // Parent: an earlier entity, spread over the range so the FK graph is not a plain chain. Required the way
    // tsc compiles `import { E001 } from './e001.entity'`.
    const p = (i * 37 + 11) % i;
    const parentCls = `E${pad(p + 1, width)}`;
    const parentFile = `e${pad(p + 1, width)}.entity`;
    requires.push(`const ${parentFile.replace('.', '_')}_1 = require('./${parentFile}');`);
    fields.push(
      `ManyToOne(() => ${parentFile.replace('.', '_')}_1.${parentCls}, { nullable: true, onDelete: 'SET NULL' })(${cls}.prototype, 'parent');`,
      `JoinColumn({ name: 'parent_id' })(${cls}.prototype, 'parent');`,
    );
    columns++;
  }
  const indexed = i % 3 === 0 ? `Index(['name'])(${cls});\n` : i % 7 === 2 ? `Index(['name', 'active'])(${cls});\n` : '';
  lines.push(
    `'use strict';`,
    `// TypeScript equivalent: @Entity('${table}') export class ${cls} { ... }`,
    `require(${JSON.stringify(reflectPath)});`,
    `const { Entity, PrimaryGeneratedColumn, Column, ManyToOne, JoinColumn, Index } = require(${JSON.stringify(typeormPath)});`,
    ...requires,
    `class ${cls} {}`,
    ...fields,
    `${indexed}Entity('${table}')(${cls});`,
    `exports.${cls} = ${cls};`,
    '',
  );
  return { cls, table, file: `${table}.entity.js`, columns, source: lines.join('\n') };
}

/**
 * Generates everything under `root`; returns paths and `setChanged(bool)`, which rewrites one entity (the
 * middle one) with or without an extra nullable column.
 */
function generateApp(root, n, repoRoot) {
  const typeormPath = resolveFrom(repoRoot, 'typeorm');
  const reflectPath = resolveFrom(repoRoot, 'reflect-metadata');
  const entitiesDir = join(root, 'entities');
  mkdirSync(entitiesDir, { recursive: true });
  const entities = [];
  for (let i = 0; i < n; i++) {
    const e = entitySource(i, n, { typeormPath, reflectPath });
    writeFileSync(join(entitiesDir, e.file), e.source);
    entities.push(e);
  }
  writeFileSync(
    join(entitiesDir, 'index.js'),
    `'use strict';\nmodule.exports = [\n${entities.map((e) => `  require('./${e.file.replace(/\.js$/, '')}').${e.cls},`).join('\n')}\n];\n`,
  );

  const distIndex = join(repoRoot, 'libs', 'migrations', 'dist', 'index.js');
  const oursMain = join(root, 'ours-main.js');
  writeFileSync(
    oursMain,
    `'use strict';
// A Nest app as a user writes it, in plain JS: TypeOrmModule.forRoot + MigrationsModule.forRoot, runApp.
require(${JSON.stringify(reflectPath)});
const { Module } = require(${JSON.stringify(resolveFrom(repoRoot, '@nestjs/common'))});
const { TypeOrmModule } = require(${JSON.stringify(resolveFrom(repoRoot, '@nestjs/typeorm'))});
const { MigrationsModule, runApp } = require(${JSON.stringify(distIndex)});
const entities = require('./entities');

const migrationsDir = process.env.BENCH_MIGRATIONS_DIR;
class AppModule {}
Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL, entities, retryAttempts: 0 }),
    MigrationsModule.forRoot({ migrationsDir, compiledMigrationsDir: migrationsDir, sourceRoot: ${JSON.stringify(entitiesDir)} }),
  ],
})(AppModule);

void runApp(AppModule, { serve: () => {} });
`,
  );

  const dataSource = join(root, 'datasource.js');
  writeFileSync(
    dataSource,
    `'use strict';
// The DataSource file TypeORM's CLI loads (-d), over the same entities.
require(${JSON.stringify(reflectPath)});
const { DataSource } = require(${JSON.stringify(typeormPath)});
const entities = require('./entities');

module.exports = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities,
  migrations: [require('node:path').join(process.env.BENCH_MIGRATIONS_DIR, '*.js')],
});
`,
  );

  const changedIndex = Math.floor(n / 2);
  const changed = entities[changedIndex];
  const setChanged = (on) =>
    writeFileSync(join(entitiesDir, changed.file), entitySource(changedIndex, n, { typeormPath, reflectPath, extra: on }).source);

  return { entitiesDir, oursMain, dataSource, changedTable: changed.table, setChanged, typeormCli: join(repoRoot, 'node_modules', 'typeorm', 'cli.js') };
}

/** Compiles our generated `.ts` migration to `.js` next to it, as the user's `npm run build` would. */
function transpileMigration(tsFile, repoRoot) {
  const ts = require(resolveFrom(repoRoot, 'typescript'));
  const { readFileSync } = require('node:fs');
  const out = ts.transpileModule(readFileSync(tsFile, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: tsFile,
  });
  const jsFile = tsFile.replace(/\.ts$/, '.js');
  writeFileSync(jsFile, out.outputText);
  return jsFile;
}

module.exports = { generateApp, transpileMigration };
