'use strict';
// Writes N compiled migrations (CommonJS, the format `node dist/main.js` loads) plus the same SQL as two
// psql scripts: all.sql (plain statements, for `psql -1`) and per-txn.sql (BEGIN/COMMIT around each
// migration plus a ledger-like INSERT, to match what the product does per migration).
const { randomBytes } = require('node:crypto');
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const BASE_MS = Date.UTC(2026, 10, 20, 9, 15); // 2026-11-20 09:15 UTC; migration i is i minutes later

function uniqueIds(n) {
  const ids = new Set();
  while (ids.size < n) ids.add(randomBytes(6).toString('hex'));
  return [...ids];
}

function stamp(ms) {
  const iso = new Date(ms).toISOString(); // 2026-11-20T09:15:00.000Z
  return `${iso.slice(0, 10).replace(/-/g, '')}_${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

function statements(table) {
  return {
    up: [
      `CREATE TABLE "${table}" ("id" SERIAL NOT NULL, "name" character varying(255) NOT NULL, CONSTRAINT "PK_${table}" PRIMARY KEY ("id"))`,
      `CREATE INDEX "IDX_${table}_name" ON "${table}" ("name")`,
    ],
    down: [`DROP INDEX "public"."IDX_${table}_name"`, `DROP TABLE "${table}"`],
  };
}

function migrationSource(cls, rev, sql) {
  const q = (list) => list.map((s) => `await queryRunner.query(\`${s}\`);`).join(' ');
  return `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.${cls} = void 0;
class ${cls} {
  constructor() { this.name = '${cls}'; }
  async up(queryRunner) { ${q(sql.up)} }
  async down(queryRunner) { ${q(sql.down)} }
}
exports.${cls} = ${cls};
${cls}.revision = ${JSON.stringify(rev)};
`;
}

const LEDGER_DDL = `CREATE TABLE bench_ledger ("revision" varchar(255) PRIMARY KEY, "message" text NOT NULL DEFAULT '',
  "checksum" varchar(64), "kind" varchar(16) NOT NULL DEFAULT 'applied', "applied_at" timestamptz NOT NULL DEFAULT clock_timestamp(),
  "execution_ms" integer, "applied_by" text, "seq" bigserial NOT NULL);`;

/**
 * Generates everything into `root`; returns the paths and, per migration, its timestamp, table number and
 * SQL, so that other tools' migration files can carry exactly the same statements (see lib/knex.js).
 */
function generate(root, n) {
  const migrationsDir = join(root, 'migrations');
  mkdirSync(migrationsDir, { recursive: true });
  const width = Math.max(4, String(n).length);
  const ids = uniqueIds(n);
  const all = [];
  const perTxn = [LEDGER_DDL];
  const migrations = [];
  for (let i = 0; i < n; i++) {
    const num = String(i + 1).padStart(width, '0');
    const table = `t_${num}`;
    const ms = BASE_MS + i * 60_000;
    const cls = `CreateTable${num}${ms}`; // ends in a 13-digit, strictly increasing timestamp
    const message = `Create table ${i + 1}`;
    const rev = { id: ids[i], parents: i ? [ids[i - 1]] : [], message, createdAt: new Date(ms).toISOString() };
    const sql = statements(table);
    const file = `${stamp(ms)}_${ids[i]}_create_table_${num}.js`;
    writeFileSync(join(migrationsDir, file), migrationSource(cls, rev, sql));
    migrations.push({ num, ms, sql });
    all.push(...sql.up.map((s) => `${s};`));
    perTxn.push('BEGIN;', ...sql.up.map((s) => `${s};`),
      `INSERT INTO bench_ledger ("revision", "message", "kind", "execution_ms", "applied_by") VALUES ('${ids[i]}', '${message}', 'applied', 1, 'bench');`,
      'COMMIT;');
  }
  const allSql = join(root, 'all.sql');
  const perTxnSql = join(root, 'per-txn.sql');
  writeFileSync(allSql, `${all.join('\n')}\n`);
  writeFileSync(perTxnSql, `${perTxn.join('\n')}\n`);
  return { migrationsDir, allSql, perTxnSql, migrations };
}

module.exports = { generate };
