import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import {
  migrationFileName,
  renderMigration,
  tsLineComments,
  tsString,
  tsTemplate,
  type MigrationTemplateInput,
  type TemplateStatement,
} from './migration-template';

// ---------------------------------------------------------------------------------------------------------
// Helpers: compile the rendered file the way a user's build would, run it, and record what it issues.
// ---------------------------------------------------------------------------------------------------------

interface RecordedQuery {
  sql: string;
  params: unknown[] | undefined;
  argc: number;
}

interface LoadedClass {
  new (): { name: string; transaction?: boolean; up(q: unknown): Promise<void>; down(q: unknown): Promise<void> };
  revision: Record<string, unknown>;
}

/** Transpiles (reporting syntax errors) and evaluates a module; `import type` must leave no `require`. */
function evaluate(source: string): Record<string, unknown> {
  const output = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true },
    reportDiagnostics: true,
    fileName: 'migration.ts',
  });
  expect(output.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  const required: string[] = [];
  const requireStub = (name: string) => {
    required.push(name);
    if (name === 'typeorm' || name === 'nest-migrations') return {};
    throw new Error(`unexpected require('${name}')`);
  };
  const exports: Record<string, unknown> = {};
  new Function('exports', 'require', output.outputText)(exports, requireStub);
  expect(required).toEqual([]); // only types are imported: no runtime dependency
  return exports;
}

function loadClass(source: string): LoadedClass {
  const exported = Object.entries(evaluate(source)).filter(([key]) => key !== '__esModule');
  expect(exported).toHaveLength(1);
  return exported[0][1] as LoadedClass;
}

async function record(source: string, direction: 'up' | 'down' = 'up'): Promise<RecordedQuery[]> {
  const calls: RecordedQuery[] = [];
  const queryRunner = {
    query: async (...args: unknown[]) => {
      calls.push({ sql: args[0] as string, params: args[1] as unknown[] | undefined, argc: args.length });
    },
  };
  await new (loadClass(source))()[direction](queryRunner);
  return calls;
}

const base: MigrationTemplateInput = {
  id: 'b82d814bc902',
  parents: ['08ab1432a152'],
  message: 'Add orders table',
  createdAt: new Date('2026-11-22T10:47:00.000Z'),
  className: 'AddOrdersTable1795344420000',
  up: [],
  down: [],
};

function render(overrides: Partial<MigrationTemplateInput>): string {
  return renderMigration({ ...base, ...overrides });
}

/** Deterministic pseudo-random generator (mulberry32), so failures are reproducible. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY_PIECES = [
  '\\', '`', '$', '{', '}', '${', '$$', "'", '"', '\n', '\r', '\r\n', ' ', '\t', 'a', 'Z', '0', '/', '*', '*/',
  '//', '\u2028', '\u2029', '\u0000', '\u001b', '\u007f', '\u00a0', '\u202e', '\ufeff', '\ud83d\ude80', '\ud800',
  '\udc00', 'é', 'e\u0301', '日本', '\\u0041', '\\x41', '\\0', '\\`', '\\${', '</script>', '%s', '$1',
];

function randomNasty(random: () => number, maxPieces = 24): string {
  let text = '';
  const count = Math.floor(random() * maxPieces);
  for (let i = 0; i < count; i++) text += NASTY_PIECES[Math.floor(random() * NASTY_PIECES.length)];
  return text;
}

// ---------------------------------------------------------------------------------------------------------

describe('renderMigration: format', () => {
  it('renders a simple two-statement migration exactly', () => {
    const source = renderMigration({
      id: '08ab1432a152',
      parents: ['626ab0e768ab'],
      message: 'Add products table',
      createdAt: new Date('2026-11-21T14:02:00.000Z'),
      className: 'AddProductsTable1795269720000',
      up: [
        { sql: 'CREATE TABLE "products" ("id" SERIAL NOT NULL, CONSTRAINT "PK_products" PRIMARY KEY ("id"))' },
        { sql: 'CREATE INDEX "IDX_products_name" ON "products" ("name")' },
      ],
      down: [{ sql: 'DROP INDEX "public"."IDX_products_name"' }, { sql: 'DROP TABLE "products"' }],
    });
    expect(source).toBe(
      [
        "import type { MigrationInterface, QueryRunner } from 'typeorm';",
        "import type { RevisionInfo } from 'nest-migrations';",
        '',
        'export class AddProductsTable1795269720000 implements MigrationInterface {',
        '  static readonly revision: RevisionInfo = {',
        "    id: '08ab1432a152',",
        "    parents: ['626ab0e768ab'],",
        "    message: 'Add products table',",
        "    createdAt: '2026-11-21T14:02:00.000Z',",
        '  };',
        '',
        "  name = 'AddProductsTable1795269720000';",
        '',
        '  async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`CREATE TABLE "products" ("id" SERIAL NOT NULL, CONSTRAINT "PK_products" PRIMARY KEY ("id"))`);',
        '    await queryRunner.query(`CREATE INDEX "IDX_products_name" ON "products" ("name")`);',
        '  }',
        '',
        '  async down(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`DROP INDEX "public"."IDX_products_name"`);',
        '    await queryRunner.query(`DROP TABLE "products"`);',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('renders every feature exactly: no parents, several parents, comments, params, transaction, destructive', () => {
    const source = renderMigration({
      id: '0123456789ab',
      parents: ['626ab0e768ab', '08ab1432a152'],
      message: "Drop users' email",
      createdAt: new Date('2026-11-23T08:05:09.123Z'),
      className: 'DropUsersEmail1795421109123',
      importFrom: '@acme/migrations',
      transaction: false,
      allowDestructive: true,
      up: [
        { sql: 'ALTER TABLE "users" DROP COLUMN "email"', comment: 'DESTRUCTIVE: drops column "users"."email" and its data' },
        { sql: 'UPDATE "users" SET "name" = $1 WHERE "id" = $2', params: ['anonymous', 1] },
      ],
      down: [],
    });
    expect(source).toBe(
      [
        "import type { MigrationInterface, QueryRunner } from 'typeorm';",
        "import type { RevisionInfo } from '@acme/migrations';",
        '',
        'export class DropUsersEmail1795421109123 implements MigrationInterface {',
        '  static readonly revision: RevisionInfo = {',
        "    id: '0123456789ab',",
        "    parents: ['626ab0e768ab', '08ab1432a152'],",
        "    message: 'Drop users\\' email',",
        "    createdAt: '2026-11-23T08:05:09.123Z',",
        '    allowDestructive: true,',
        '  };',
        '',
        "  name = 'DropUsersEmail1795421109123';",
        '',
        '  // Runs outside a transaction: PostgreSQL refuses some statements (e.g. CREATE INDEX CONCURRENTLY)',
        '  // inside one. The ledger row is written right after; a failure may leave it partly applied.',
        '  transaction = false;',
        '',
        '  async up(queryRunner: QueryRunner): Promise<void> {',
        '    // DESTRUCTIVE: drops column "users"."email" and its data',
        '    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "email"`);',
        '    await queryRunner.query(`UPDATE "users" SET "name" = $1 WHERE "id" = $2`, ["anonymous",1]);',
        '  }',
        '',
        '  async down(queryRunner: QueryRunner): Promise<void> {',
        '    // Write the statements that revert up() here.',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(render({ parents: [] })).toContain('    parents: [],\n');
  });

  // The examples in migrations/ are the reference for the format: rendering what they declare and issue
  // must give the file back byte for byte. (Hand-edited files with comments or flags are skipped.)
  const examplesDir = join(__dirname, '../../../../migrations');
  const examples = readdirSync(examplesDir)
    .filter((name) => /^\d{8}_\d{4}_[0-9a-f]{12}_[a-z0-9_]+\.ts$/.test(name))
    .map((name) => [name, readFileSync(join(examplesDir, name), 'utf8')] as const)
    .filter(([, text]) => text.includes('static readonly revision') && !/^\s*\/\/|transaction =|\/\*/m.test(text));

  it('has reference examples to compare with', () => expect(examples.length).toBeGreaterThan(0));

  it.each(examples)('reproduces migrations/%s byte for byte', async (_name, text) => {
    const cls = loadClass(text);
    const info = cls.revision as { id: string; parents: string[]; message: string; createdAt: string; allowDestructive?: boolean };
    const statements = (calls: RecordedQuery[]): TemplateStatement[] =>
      calls.map(({ sql, params }) => (params === undefined ? { sql } : { sql, params }));
    const rendered = renderMigration({
      id: info.id,
      parents: info.parents,
      message: info.message,
      createdAt: new Date(info.createdAt),
      className: new cls().name,
      allowDestructive: info.allowDestructive,
      up: statements(await record(text, 'up')),
      down: statements(await record(text, 'down')),
    });
    expect(rendered).toBe(text);
  });

  it('is deterministic, has no trailing whitespace, no tabs for indentation, and one final newline', () => {
    const input: MigrationTemplateInput = {
      ...base,
      up: [
        { sql: 'SELECT 1   \nFROM t\t\n  WHERE x   ', comment: 'trailing spaces   \n\n  \tindented\t  ' },
        { sql: 'SELECT 2 \r\n' },
      ],
      down: [{ sql: 'SELECT 3\u00a0\nx' }],
    };
    const first = renderMigration(input);
    expect(renderMigration(structuredClone(input))).toBe(first);
    expect(first).not.toMatch(/[ \t\u00a0]$/m);
    expect(first).not.toMatch(/\r/);
    expect(first.endsWith('}\n')).toBe(true);
    expect(first.endsWith('\n\n')).toBe(false);
    expect(first).toContain('    // trailing spaces\n    //\n    //    indented\n');
  });

  it('gives empty bodies a placeholder comment and still runs', async () => {
    const source = render({ up: [], down: [] });
    expect(source).toContain(
      '  async up(queryRunner: QueryRunner): Promise<void> {\n    // Write your migration here: await queryRunner.query(`...`);\n  }\n',
    );
    expect(source).toContain('  async down(queryRunner: QueryRunner): Promise<void> {\n    // Write the statements that revert up() here.\n  }\n');
    expect(await record(source, 'up')).toEqual([]);
    expect(await record(source, 'down')).toEqual([]);
  });

  it('sets transaction = false and allowDestructive only when asked', () => {
    const plain = loadClass(render({ up: [{ sql: 'SELECT 1' }] }));
    expect(Object.prototype.hasOwnProperty.call(new plain(), 'transaction')).toBe(false);
    expect('allowDestructive' in plain.revision).toBe(false);
    expect(render({ transaction: true, allowDestructive: false })).toBe(render({}));

    const flagged = loadClass(render({ transaction: false, allowDestructive: true }));
    expect(new flagged().transaction).toBe(false);
    expect(flagged.revision.allowDestructive).toBe(true);
  });

  it('exposes the revision and name at runtime', () => {
    const cls = loadClass(render({ parents: ['a1b2c3d4e5f6', 'Init1700000000000'] }));
    expect(cls.revision).toEqual({
      id: 'b82d814bc902',
      parents: ['a1b2c3d4e5f6', 'Init1700000000000'],
      message: 'Add orders table',
      createdAt: '2026-11-22T10:47:00.000Z',
    });
    expect(new cls().name).toBe('AddOrdersTable1795344420000');
  });

  it('type-checks against the TypeORM and RevisionInfo shapes (strict)', () => {
    const source = render({
      transaction: false,
      allowDestructive: true,
      up: [{ sql: 'SELECT $1', params: [1, 'a', null, true, { k: [1] }], comment: 'x */ y' }],
    });
    const stubs = `
      declare module 'typeorm' {
        export interface QueryRunner { query(query: string, parameters?: any[]): Promise<any>; }
        export interface MigrationInterface {
          name?: string; transaction?: boolean;
          up(queryRunner: QueryRunner): Promise<any>; down(queryRunner: QueryRunner): Promise<any>;
        }
      }
      declare module 'nest-migrations' {
        export interface RevisionInfo { id: string; parents: string[]; message: string; createdAt?: string; allowDestructive?: boolean; }
      }`;
    const files: Record<string, string> = { '/virtual/migration.ts': source, '/virtual/stubs.d.ts': stubs };
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      lib: ['lib.es2022.d.ts'],
      types: [],
      noImplicitOverride: true,
      noImplicitReturns: true,
      noUnusedLocals: true,
      exactOptionalPropertyTypes: true,
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) =>
      name in files ? ts.createSourceFile(name, files[name], version) : getSourceFile(name, version, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => name in files || fileExists(name);
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => files[name] ?? readFile(name);
    const program = ts.createProgram(Object.keys(files), options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});

describe('renderMigration: SQL is issued byte-identical', () => {
  const nasty: [string, string][] = [
    ['backticks', 'SELECT `col` FROM `t` -- ``` `'],
    ['${} that is not a variable', "SELECT '${notAVariable}' AS a, '${1+1}' AS b, '$${x}' AS c, '\\${y}' AS d"],
    ['escaped backslashes', "SELECT E'\\\\n' AS newline, E'\\\\' AS backslash, E'\\'' AS quote, '\\' AS plain"],
    ['backslash sequences that JS would interpret', "SELECT '\\n\\t\\u0041\\x41\\0\\1\\`\\${x}\\'' AS raw"],
    ['single and double quotes', `INSERT INTO "t" ("a", "b") VALUES ('it''s', 'say "hi"')`],
    [
      'dollar-quoted function body',
      [
        'CREATE OR REPLACE FUNCTION "set_updated_at"() RETURNS trigger AS $$',
        'BEGIN',
        "  NEW.updated_at := now(); -- don't `touch` ${this}",
        '  RETURN NEW;',
        'END;',
        '$$ LANGUAGE plpgsql',
      ].join('\n'),
    ],
    ['tagged dollar quotes', 'DO $body$ BEGIN RAISE NOTICE $msg$a $1 ${b} `c`$msg$; END $body$'],
    ['$1 placeholders', 'UPDATE "t" SET "a" = $1, "b" = $2 WHERE "c" = $10'],
    ['multi-line with indentation', 'CREATE TABLE "t" (\n  "id" integer,\n\t"name" text\n)\n'],
    ['CRLF and CR line endings', 'SELECT 1\r\nFROM t\rWHERE x\r\n'],
    ['trailing whitespace on lines', 'SELECT 1   \n\t\nFROM t \t\nWHERE x\u00a0\n'],
    ['unicode', "INSERT INTO \"t\" VALUES ('Café crème', '日本語', '🚀', 'e\u0301', 'Ω')"],
    ['invisible and control characters', "SELECT '\u0000\u0001\u001b[31m\u007f\u2028\u2029\u202e\u2066\ufeff'"],
    ['lone surrogates', "SELECT '\ud800', '\udfff', '\ud83d\ude80'"],
    ['ends with a backslash', "SELECT '\\"],
    ['ends with a dollar', 'SELECT $'],
    ['ends with ${', 'SELECT ${'],
    ['a closing backtick and parenthesis', 'SELECT 1`); DROP TABLE "users"; --'],
    ['comment terminators', 'SELECT 1 /* */ */ -- // \n -- end'],
    ['empty', ''],
  ];

  it.each(nasty)('%s', async (_label, sql) => {
    const source = render({ up: [{ sql }], down: [{ sql: sql + ';' }] });
    expect(await record(source, 'up')).toEqual([{ sql, params: undefined, argc: 1 }]);
    expect(await record(source, 'down')).toEqual([{ sql: sql + ';', params: undefined, argc: 1 }]);
    expect(source).not.toMatch(/[ \t]$/m);
    expect(source).not.toMatch(/[\r\u0000-\u0008\u000b-\u001f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/);
  });

  it('issues all statements in order in one migration', async () => {
    const up = nasty.map(([, sql]) => ({ sql }));
    expect((await record(render({ up }), 'up')).map((c) => c.sql)).toEqual(nasty.map(([, sql]) => sql));
  });

  it('survives 300 random strings of dangerous pieces', async () => {
    const random = prng(20261122);
    const up = Array.from({ length: 300 }, () => ({ sql: randomNasty(random) }));
    const source = render({ up });
    expect((await record(source)).map((c) => c.sql)).toEqual(up.map((s) => s.sql));
    expect(source).not.toMatch(/[ \t]$/m);
  });

  it('passes params as a JSON array, deep-equal at runtime', async () => {
    const params = [1, -2.5, 'x\'"`${y}\\\n\u2028\ud800', null, true, false, [1, ['a']], { k: { v: [null] } }, ''];
    const source = render({ up: [{ sql: 'SELECT $1, $2', params }, { sql: 'SELECT 1', params: [] }] });
    expect(await record(source)).toEqual([
      { sql: 'SELECT $1, $2', params, argc: 2 },
      { sql: 'SELECT 1', params: undefined, argc: 1 }, // an empty list is left out
    ]);
    expect(source).not.toMatch(/[\u2028\ud800]/);
  });

  it.each([
    ['undefined', [undefined], /params\[0\] \(undefined\)/],
    ['a Date', [new Date(0)], /params\[0\] \(a Date\)/],
    ['NaN', [NaN], /only finite numbers/],
    ['Infinity', [{ a: Infinity }], /params\[0\]\.a = Infinity/],
    ['a bigint', [BigInt(1)], /bigint/],
    ['a function', [() => 1], /function/],
    ['a Buffer', [Buffer.from('x')], /Buffer/],
    ['a sparse array', [[1, , 3]], /hole at index 1/],
    ['a __proto__ key', [JSON.parse('{"__proto__": {"x": 1}}')], /__proto__/],
  ])('refuses %s as a parameter', (_label, params, message) => {
    expect(() => render({ up: [{ sql: 'SELECT $1', params: params as unknown[] }] })).toThrow(message);
  });
});

describe('renderMigration: message and comments are embedded safely', () => {
  it.each([
    ["it's"],
    ['say "hi"'],
    ['back\\slash \\n \\u0041 \\'],
    ['ends with a backslash \\'],
    ['line one\nline two\r\nline three\rfour'],
    ['tab\there'],
    ['`${template}` and $$'],
    ["'; process.exit(1); '"],
    ['*/ /* // -->'],
    ['\u2028\u2029\u0000\u202e\ufeff\ud800'],
    ['Café 🚀 日本語'],
  ])('revision.message at runtime equals %j', (message) => {
    const source = render({ message });
    expect(loadClass(source).revision.message).toBe(message);
    expect(source.split('\n').filter((line) => line.startsWith('    message: '))).toHaveLength(1);
  });

  it('embeds parents and importFrom as literals', () => {
    const source = render({ parents: ["x'y", 'a\\b'], importFrom: "@it's/lib" });
    expect(source).toContain("import type { RevisionInfo } from '@it\\'s/lib';");
    expect(loadClass(source).revision.parents).toEqual(["x'y", 'a\\b']);
  });

  it('keeps a comment with */, newlines and code-looking text a comment', async () => {
    const comment =
      'rename warning */ still a comment\nawait queryRunner.query(`DROP TABLE "users"`);\r\n/* x\rY\u2028await queryRunner.query(`A`);\u2029Z';
    const source = render({ up: [{ sql: 'SELECT 1', comment }] });
    expect(await record(source)).toEqual([{ sql: 'SELECT 1', params: undefined, argc: 1 }]);
    const body = source.slice(source.indexOf('async up'), source.indexOf('async down'));
    expect(body.split('\n').slice(1, -3)).toEqual([
      '    // rename warning */ still a comment',
      '    // await queryRunner.query(`DROP TABLE "users"`);',
      '    // /* x',
      '    // Y',
      '    // await queryRunner.query(`A`);',
      '    // Z',
      '    await queryRunner.query(`SELECT 1`);',
    ]);
  });

  it('tsLineComments never yields a line that is not a comment', () => {
    const random = prng(7);
    for (let i = 0; i < 300; i++) {
      for (const line of tsLineComments(randomNasty(random), '  ')) {
        expect(line).toMatch(/^ {2}\/\/( .*)?$/);
        expect(line).not.toMatch(/[\n\r\u2028\u2029]|\s$/);
      }
    }
    expect(tsLineComments('\n \n')).toEqual([]);
  });
});

describe('tsString / tsTemplate', () => {
  it('produce the expected escapes', () => {
    expect(tsString("it's \\ \n")).toBe("'it\\'s \\\\ \\n'");
    expect(tsString('\u2028\u0000')).toBe("'\\u2028\\u0000'");
    expect(tsTemplate('a`b${c}\\d$e')).toBe('`a\\`b\\${c}\\\\d$e`');
    expect(tsTemplate('x \r\ny  \nz')).toBe('`x \\r\ny\\u0020\\u0020\nz`');
  });

  it('round-trip random strings exactly', () => {
    const random = prng(42);
    const values = Array.from({ length: 300 }, () => randomNasty(random, 16));
    const module = evaluate(
      `export const strings = [${values.map(tsString).join(',\n')}];\nexport const templates = [${values.map(tsTemplate).join(',\n')}];\n`,
    );
    expect(module.strings).toEqual(values);
    expect(module.templates).toEqual(values);
  });
});

describe('renderMigration: invalid input', () => {
  it.each([
    ['a class name that is not an identifier', { className: 'X { } evil(); class Y1795344420000' }, /Invalid migration class name/],
    ['a class name without timestamp', { className: 'AddOrdersTable' }, /13-digit timestamp/],
    ['a bad id', { id: '../../x' }, /Invalid revision id/],
    ['an uppercase id', { id: 'B82D814BC902' }, /Invalid revision id/],
    ['an empty parent', { parents: [''] }, /parents/],
    ['an invalid date', { createdAt: new Date('nope') }, /createdAt/],
    ['a statement without sql', { up: [{} as TemplateStatement] }, /sql/],
  ])('refuses %s', (_label, overrides, message) => {
    expect(() => render(overrides as Partial<MigrationTemplateInput>)).toThrow(message);
  });
});

describe('migrationFileName', () => {
  it('formats YYYYMMDD_HHMM_<id>_<slug>.ts in UTC', () => {
    expect(migrationFileName(new Date('2026-11-22T10:47:59.999Z'), 'b82d814bc902', 'add_orders_table')).toBe(
      '20261122_1047_b82d814bc902_add_orders_table.ts',
    );
    expect(migrationFileName(new Date('2026-01-01T23:30:00-05:00'), '626ab0e768ab', 'x')).toBe(
      '20260102_0430_626ab0e768ab_x.ts',
    );
    expect(migrationFileName(new Date(Date.UTC(2027, 0, 5, 3, 4)), '000000000000', 'migration')).toBe(
      '20270105_0304_000000000000_migration.ts',
    );
  });

  it.each([
    ['../x', 'b82d814bc902'],
    ['a/b', 'b82d814bc902'],
    ['a\\b', 'b82d814bc902'],
    ['', 'b82d814bc902'],
    ['_x', 'b82d814bc902'],
    ['Add', 'b82d814bc902'],
    ['ok', '../b82d814bc9'],
    ['ok', 'b82d814bc90'],
  ])('refuses slug %j / id %j', (slug, id) => {
    expect(() => migrationFileName(new Date(), id, slug)).toThrow(TypeError);
  });

  it('refuses an invalid date', () => {
    expect(() => migrationFileName(new Date(NaN), 'b82d814bc902', 'x')).toThrow(/createdAt/);
  });
});
