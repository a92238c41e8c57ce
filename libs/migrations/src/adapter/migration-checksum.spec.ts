import { transformSync } from '@swc/core';
import * as ts from 'typescript';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationChecksum } from './migration-checksum';
import type { CapturedStatement } from './sql-capture';

const sql = (...texts: string[]): CapturedStatement[] => texts.map((text) => ({ sql: text }));
const v2 = (up: CapturedStatement[], down: CapturedStatement[] = []) => migrationChecksum(up, down, 'v2');
const v1 = (up: CapturedStatement[], down: CapturedStatement[] = []) => migrationChecksum(up, down, 'v1');

describe('migration checksums, v2 (PostgreSQL parse trees)', () => {
  it('is stored as v2: + a base64url SHA-256, which fits the ledger column (varchar(64))', async () => {
    const checksum = await v2(sql('SELECT 1'));
    expect(checksum).toMatch(/^v2:[A-Za-z0-9_-]{43}$/);
    expect(checksum.length).toBeLessThanOrEqual(64);
  });

  it('formatting, case of keywords, quoting of lower-case names and comments do not change it', async () => {
    const written = await v2(sql(`CREATE TABLE "notes" ("id" SERIAL PRIMARY KEY, "body" text NOT NULL DEFAULT 'a  b', "rank" int DEFAULT 1)`));
    const reformatted = await v2(
      sql(`-- notes, reformatted
create table notes (
  id   serial primary key,   /* the key */
  body TEXT not null default 'a  b',
  rank INT default 1
);`),
    );
    expect(reformatted).toBe(written);
  });

  it('whitespace inside a string literal changes it (v1 folded it away)', async () => {
    const [twoSpaces, oneSpace] = ['a  b', 'a b'].map((text) => sql(`INSERT INTO "notes" ("body") VALUES ('${text}')`));
    expect(await v2(twoSpaces)).not.toBe(await v2(oneSpace));
    expect(await v1(twoSpaces)).toBe(await v1(oneSpace));
  });

  it('a different numeric literal, or type modifier, changes it', async () => {
    expect(await v2(sql('UPDATE "notes" SET "rank" = 1'))).not.toBe(await v2(sql('UPDATE "notes" SET "rank" = 2')));
    expect(await v2(sql('UPDATE "notes" SET "rank" = 1'))).not.toBe(await v2(sql('UPDATE "notes" SET "rank" = 1.0')));
    expect(await v2(sql('ALTER TABLE "notes" ADD "tag" varchar(50)'))).not.toBe(await v2(sql('ALTER TABLE "notes" ADD "tag" varchar(200)')));
  });

  it('a function body is a string constant: its text counts as written (PostgreSQL stores it so)', async () => {
    const fn = (body: string) => sql(`CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$${body}$$`);
    expect(await v2(fn('SELECT 1'))).not.toBe(await v2(fn('SELECT  1')));
  });

  it('text the parser refuses is hashed exactly as sent', async () => {
    const broken = 'CREATE TABL "notes" (id int)';
    expect(await v2(sql(broken))).toBe(await v2(sql(broken)));
    expect(await v2(sql(broken))).not.toBe(await v2(sql('CREATE TABL  "notes" (id int)')));
    expect(await v2(sql(broken))).not.toBe(await v2(sql(`${broken} -- comment`)));
  });

  it('what runs where counts: up vs down, and statement order', async () => {
    const create = sql('CREATE TABLE a (id int)');
    const drop = sql('DROP TABLE a');
    expect(await v2(create, drop)).not.toBe(await v2(drop, create));
    expect(await v2(sql('SELECT 1', 'SELECT 2'))).not.toBe(await v2(sql('SELECT 2', 'SELECT 1')));
    // Statements are hashed one by one: one query() with two statements is the same as two calls.
    expect(await v2(sql('SELECT 1; SELECT 2'))).toBe(await v2(sql('SELECT 1', 'SELECT 2')));
  });

  it('is the same for a migration compiled by tsc (ES5) and by SWC (ES2022)', async () => {
    const source = `
      import type { MigrationInterface, QueryRunner } from 'typeorm';
      export class AddTags1797757200000 implements MigrationInterface {
        async up(queryRunner: QueryRunner): Promise<void> {
          const table = 'tags';
          await queryRunner.query(\`CREATE TABLE "\${table}" (
            "id" SERIAL PRIMARY KEY,
            "label" varchar(40) NOT NULL DEFAULT 'none'
          )\`);
          await queryRunner.query(\`CREATE INDEX "idx_\${table}_label" ON "\${table}" ("label")\`);
        }
        async down(queryRunner: QueryRunner): Promise<void> {
          await queryRunner.query('DROP TABLE "tags"');
        }
      }`;
    const tsc = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES5, lib: ['es2015'] } }).outputText;
    const swc = transformSync(source, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }).code;
    expect(tsc).not.toBe(swc);
    const [fromTsc, fromSwc] = await Promise.all([tsc, swc].map((code) => checksumOfModule(code)));
    expect(fromTsc).toBe(fromSwc);
  });
});

describe('migration checksums, v1 (0.2.0: whitespace-folded text)', () => {
  it('is exactly what 0.2.0 stored, so old ledger rows are re-hashed to the same value', async () => {
    // test/fixtures/boot-base's migration, whose checksum 0.2.0 wrote as this value.
    const up = sql(
      'CREATE TABLE "accounts" ("id" SERIAL PRIMARY KEY, "email" varchar(50) NOT NULL, "legacy_note" text)',
      `INSERT INTO "accounts" ("email", "legacy_note") VALUES ('ada@example.com', 'kept')`,
    );
    expect(await v1(up, sql('DROP TABLE "accounts"'))).toBe('2aba7b06695917df78d02d6f1f93a2ccee4db0e5527a4b9350db684229f320aa');
  });
});

/** Loads a compiled CommonJS migration module and checksums what its class's up and down send. */
async function checksumOfModule(code: string): Promise<string> {
  const module = { exports: {} as Record<string, new () => MigrationInterface> };
  new Function('exports', 'require', 'module', code)(module.exports, require, module);
  const migration = new (Object.values(module.exports)[0])();
  const capture = async (direction: 'up' | 'down') => {
    const statements: CapturedStatement[] = [];
    await migration[direction]({ query: async (text: string) => void statements.push({ sql: text }) } as unknown as QueryRunner);
    return statements;
  };
  return v2(await capture('up'), await capture('down'));
}
