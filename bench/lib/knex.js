'use strict';
// knex as the reference CLI (installed by lib/bench-deps.js): its migration files are written from the same
// per-migration SQL as ours (lib/generate.js), and it runs through its own CLI (`knex/bin/cli.js --knexfile …`),
// as a user would run it.
const { mkdirSync, symlinkSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const BENCH = join(__dirname, '..');
const KNEX_CLI = join(BENCH, 'node_modules', 'knex', 'bin', 'cli.js');

/** Formats a timestamp the way knex names migrations: YYYYMMDDHHMMSS. */
const knexStamp = (ms) => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);

function migrationSource(sql) {
  const q = (list) => list.map((s) => `await knex.raw(\`${s}\`);`).join(' ');
  return `exports.up = async (knex) => { ${q(sql.up)} };\nexports.down = async (knex) => { ${q(sql.down)} };\n`;
}

/**
 * Writes `<root>/knexfile.js` and `<root>/migrations/*.js` (one per entry of `migrations`, same SQL, same
 * order). The knex CLI changes directory to the knexfile's folder and resolves `knex` from there, hence the
 * `node_modules` link to bench/node_modules; `pg` then resolves from the repository, the same driver ours uses.
 */
function writeKnexProject(root, migrations) {
  const dir = join(root, 'migrations');
  mkdirSync(dir, { recursive: true });
  for (const m of migrations) writeFileSync(join(dir, `${knexStamp(m.ms)}_create_table_${m.num}.js`), migrationSource(m.sql));
  writeFileSync(join(root, 'knexfile.js'), `module.exports = {
  client: 'pg',
  connection: process.env.KNEX_DATABASE_URL,
  migrations: { directory: ${JSON.stringify(dir)}, loadExtensions: ['.js'] },
};
`);
  symlinkSync(join(BENCH, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { root, knexfile: join(root, 'knexfile.js') };
}

/** [command, args, cwd] for `knex <args>` on `project`. */
const knexCommand = (project, args) => [process.execPath, [KNEX_CLI, '--knexfile', project.knexfile, ...args], project.root];

module.exports = { writeKnexProject, knexCommand };
