import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GeneratedChain {
  dir: string;
  ids: string[];
  remove(): void;
}

/**
 * Writes `count` compiled migrations (CommonJS, as the build emits them) in a linear chain, each creating
 * table `<table>_<n>` with an index. `sleepMs` makes each migration hold its transaction a little, so that
 * concurrent runners really overlap.
 */
export function writeChain(count: number, options: { table?: string; sleepMs?: number } = {}): GeneratedChain {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-chain-'));
  const table = options.table ?? 't';
  const ids: string[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let n = 1; n <= count; n++) {
    const id = n.toString(16).padStart(12, '0');
    const timestamp = start + n * 60_000;
    const name = `Create${table.toUpperCase()}${n}${timestamp}`;
    const created = new Date(timestamp).toISOString();
    const stamp = created.slice(0, 16).replace(/[-:]/g, '').replace('T', '_');
    const sleep = options.sleepMs ? `await queryRunner.query('SELECT pg_sleep(${options.sleepMs / 1000})');` : '';
    writeFileSync(
      join(dir, `${stamp}_${id}_create_${table}_${n}.js`),
      `'use strict';
class ${name} {
  async up(queryRunner) {
    await queryRunner.query('CREATE TABLE "${table}_${n}" ("id" SERIAL PRIMARY KEY, "name" varchar(50))');
    await queryRunner.query('CREATE INDEX "idx_${table}_${n}_name" ON "${table}_${n}" ("name")');
    ${sleep}
  }
  async down(queryRunner) {
    await queryRunner.query('DROP TABLE "${table}_${n}"');
  }
}
${name}.revision = { id: '${id}', parents: [${n > 1 ? `'${ids[n - 2]}'` : ''}], message: 'Create ${table} ${n}', createdAt: '${created}' };
exports.${name} = ${name};
`,
    );
    ids.push(id);
  }
  return { dir, ids, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
