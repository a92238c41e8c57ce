/**
 * Safety checks on real PostgreSQL: `db lint` from the CLI, the integrity check (an applied migration edited
 * afterwards, and a rebuild with another compiler that is not an edit), and a user-written
 * `@MigrationSafetyCheck()` provider enforced by the boot hook and reported by `db lint`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import * as ts from 'typescript';
import {
  BootMigrationError,
  MigrationSafetyCheck,
  type SafetyCheck,
  type SafetyCheckContext,
  type SafetyCheckIssue,
} from 'nest-migrations';
import { bootOnce, errorLines, logLines } from './support/app-process';
import { BOOT_FIXTURES, compileMigrations, composeMigrations, type MigrationFolder } from './support/boot-fixtures';
import { bootInProcess, bootTestModule } from './support/boot-module';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, LEDGER, ledgerIds, snapshot, tableExists } from './support/example-app';
import { runInProcess } from './support/in-process';

/** `warn|BLOCK <revision> <check>: <message> [<statement>]; <safe alternative> (rule <id>...)` */
const FINDING_LINE = /^(warn|BLOCK) ([0-9a-f]{12}) ([\w-]+): (.+) \[(.+)\]; (.+)$/;

describe('db lint from the CLI', () => {
  let db: TestDatabase;
  let folder: MigrationFolder;
  let lint: (...args: string[]) => ReturnType<ReturnType<typeof cliFor>>;
  beforeAll(async () => {
    db = await createTestDatabase('lint_cli');
    folder = composeMigrations('boot-lint');
    const cli = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir });
    lint = (...args) => cli('db', 'lint', ...args);
  });
  afterAll(async () => {
    folder.remove();
    await db.drop();
  });

  it('prints one line per finding (revision, check, statement, safe alternative, rule) and exits 1 on a blocking one', async () => {
    const result = await lint();
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    // The pending migrations are one run: the tables c0de00000001 creates are new for c0de00000002, so its
    // index and constraints lock nothing anyone uses. Dropping a table loses data whenever it was created.
    expect(lines).toEqual([
      'BLOCK c0de00000003 destructive: DROP TABLE deletes its data [DROP TABLE "shop_legacy"]; ' +
        'Stop using it first and drop it in a later release, reviewed: mark that migration allowDestructive. (rule ban-drop-table)',
      '3 migration(s) checked: 1 blocking, 0 warning(s).',
    ]);
    expect(FINDING_LINE.exec(lines[0])?.slice(1, 4)).toEqual(['BLOCK', 'c0de00000003', 'destructive']);
  });

  it('exits 0 when there are only warnings (lock-heavy on existing tables)', async () => {
    const result = await lint('c0de00000002');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(0, -1).every((line) => line.startsWith('warn c0de00000002 lock-heavy: '))).toBe(true);
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toBe('1 migration(s) checked: 0 blocking, 4 warning(s).');
  });

  it('--json parses, with the same findings, each with its rule id', async () => {
    const result = await lint('--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.revisions).toEqual(['c0de00000001', 'c0de00000002', 'c0de00000003']);
    expect(report.catalog).toBe('read');
    expect(report.findings).toEqual([
      {
        check: 'destructive',
        rule: 'ban-drop-table',
        level: 'block',
        revision: 'c0de00000003',
        statement: 'DROP TABLE "shop_legacy"',
        message: 'DROP TABLE deletes its data',
        hint: expect.stringContaining('allowDestructive'),
        table: 'shop_legacy',
      },
    ]);
    const alone = JSON.parse((await lint('c0de00000002', '--json')).stdout);
    expect(alone.findings.map((f: { rule: string }) => f.rule)).toEqual([
      'require-concurrent-index-creation',
      'adding-foreign-key-constraint',
      'adding-not-nullable-field',
      'adding-field-with-default',
    ]);
    expect(await tableExists(db, LEDGER)).toBe(false); // lint never changes anything
  });
});

describe('integrity: applied migrations edited afterwards', () => {
  let db: TestDatabase;
  let original: MigrationFolder;
  let edited: MigrationFolder;
  beforeAll(async () => {
    db = await createTestDatabase('integrity');
    original = composeMigrations('boot-base');
    edited = composeMigrations('boot-base-edited');
    const applied = await cliFor(db, { MIGRATIONS_COMPILED_DIR: original.dir })('db', 'migrate');
    expect(applied.code).toBe(0);
  });
  afterAll(async () => {
    original.remove();
    edited.remove();
    await db.drop();
  });

  it('db current lists the edited migration', async () => {
    const [asApplied, afterEdit] = await Promise.all([
      cliFor(db, { MIGRATIONS_COMPILED_DIR: original.dir })('db', 'current'),
      cliFor(db, { MIGRATIONS_COMPILED_DIR: edited.dir })('db', 'current'),
    ]);
    expect(asApplied.code).toBe(0);
    expect(asApplied.stdout).not.toContain('edited');
    expect(afterEdit.code).toBe(0);
    expect(afterEdit.stdout).toContain('b0a700000001  (edited: its SQL changed since it was applied; put changes in a new migration)');
  });

  it('boot warns with checks.integrity warn (the default), and serves', async () => {
    const result = await bootOnce({ DATABASE_URL: db.url, MIGRATE_ON_BOOT: 'true', MIGRATIONS_COMPILED_DIR: edited.dir });
    expect(result.exit).toBeUndefined();
    expect(result.health!.status).toBe(200);
    expect(logLines(result.output, 'WARN')).toEqual(['Applied migration(s) edited since they were applied: b0a700000001']);
    expect(errorLines(result.output)).toEqual([]);
  });

  it('boot refuses with checks.integrity block, before anything runs', async () => {
    const before = await snapshot(db);
    const booted = await bootInProcess(
      bootTestModule({ url: db.url, migrationsDir: edited.dir, migrations: { checks: { integrity: 'block' }, runOnBoot: { enabled: true } } }),
    );
    try {
      expect(booted.error).toBeInstanceOf(BootMigrationError);
      expect((booted.error as Error).message).toBe(
        'Run on boot failed: Applied migration(s) edited since they were applied: b0a700000001 ' +
          '(Restore the applied version, and put the change in a new migration.)',
      );
      expect(booted.logs.lines('error')).toEqual([(booted.error as Error).message]);
    } finally {
      await booted.close();
    }
    expect(await snapshot(db)).toEqual(before);

    // The same options on the migration as applied: no finding, the app boots.
    const clean = await bootInProcess(
      bootTestModule({ url: db.url, migrationsDir: original.dir, migrations: { checks: { integrity: 'block' }, runOnBoot: { enabled: true } } }),
    );
    try {
      expect(clean.error).toBeUndefined();
      expect(clean.state).toEqual({ phase: 'up-to-date' });
    } finally {
      await clean.close();
    }
  });
});

describe('integrity: a rebuild with another compiler is not an edit', () => {
  const FILE = '20261220_0900_c0b100000001_create_gadgets.ts';
  let db: TestDatabase;
  let es2022: MigrationFolder;
  let es5: MigrationFolder;
  beforeAll(async () => {
    db = await createTestDatabase('integrity_compilers');
    const source = { [FILE]: readFileSync(join(BOOT_FIXTURES, 'boot-compilers', FILE), 'utf8') };
    es2022 = compileMigrations(source, ts.ScriptTarget.ES2022);
    es5 = compileMigrations(source, ts.ScriptTarget.ES5);
  });
  afterAll(async () => {
    es2022?.remove();
    es5?.remove();
    await db.drop();
  });

  it('applies the ES2022 build, then the ES5 build (class -> function) is not flagged', async () => {
    const compiled = (folder: MigrationFolder) => readFileSync(join(folder.dir, FILE.replace(/\.ts$/, '.js')), 'utf8');
    expect(compiled(es2022)).toMatch(/^class CreateGadgets1797757200000 \{/m);
    expect(compiled(es5)).not.toMatch(/^\s*class\s|`/m);
    expect(compiled(es5)).toMatch(/function CreateGadgets1797757200000\(\)/);

    const applied = await cliFor(db, { MIGRATIONS_COMPILED_DIR: es2022.dir })('db', 'migrate');
    expect(applied.code).toBe(0);
    expect(await ledgerIds(db)).toEqual(['c0b100000001']);

    // Both builds checksum to the same value (not to none): the ES5 build applied to another database records it.
    const other = await createTestDatabase('integrity_compilers_es5');
    try {
      expect((await cliFor(other, { MIGRATIONS_COMPILED_DIR: es5.dir })('db', 'migrate')).code).toBe(0);
      const checksums = await Promise.all([db, other].map((d) => d.query<{ checksum: string }>(`SELECT checksum FROM ${LEDGER}`)));
      expect(checksums[0]).toEqual([{ checksum: expect.stringMatching(/^v2:[A-Za-z0-9_-]{43}$/) }]);
      expect(checksums[1]).toEqual(checksums[0]);
    } finally {
      await other.drop();
    }

    const current = await cliFor(db, { MIGRATIONS_COMPILED_DIR: es5.dir })('db', 'current', '--json');
    expect(current.code).toBe(0);
    expect(JSON.parse(current.stdout)).toMatchObject({ atHead: true, edited: [], pending: [], unknown: [] });

    const booted = await bootOnce({ DATABASE_URL: db.url, MIGRATE_ON_BOOT: 'true', MIGRATIONS_COMPILED_DIR: es5.dir });
    expect(booted.health!.status).toBe(200);
    expect(logLines(booted.output, 'WARN')).toEqual([]);
    expect(logLines(booted.output, 'LOG')).toContainEqual(expect.stringMatching(/^Database is up to date/));

    // Even at checks.integrity block, in-process.
    const strict = await bootInProcess(
      bootTestModule({ url: db.url, migrationsDir: es5.dir, migrations: { checks: { integrity: 'block' }, runOnBoot: { enabled: true } } }),
    );
    try {
      expect(strict.error).toBeUndefined();
      expect(strict.state).toEqual({ phase: 'up-to-date' });
    } finally {
      await strict.close();
    }
  });
});

/** A user-written check, as an app would declare it. */
@MigrationSafetyCheck({ name: 'no-truncate-users', level: 'block' })
@Injectable()
class NoTruncateUsers implements SafetyCheck {
  static judged: string[] = [];

  check({ revision, statements }: SafetyCheckContext): SafetyCheckIssue[] {
    NoTruncateUsers.judged.push(revision.id);
    return statements
      .filter((statement) => /^\s*TRUNCATE\s+(TABLE\s+)?(ONLY\s+)?"?users"?(\s|;|$)/i.test(statement))
      .map((statement) => ({ message: 'TRUNCATE of users deletes every account', statement, hint: 'Delete the rows you mean to in a reviewed data migration.' }));
  }
}

describe('a user-written @MigrationSafetyCheck()', () => {
  let db: TestDatabase;
  let folder: MigrationFolder;
  const moduleWith = (migrations: Parameters<typeof bootTestModule>[0]['migrations']) =>
    bootTestModule({ url: db.url, migrationsDir: folder.dir, providers: [NoTruncateUsers], migrations });

  beforeAll(async () => {
    db = await createTestDatabase('custom_check');
    folder = composeMigrations('boot-custom-check');
  });
  afterAll(async () => {
    folder.remove();
    await db.drop();
  });

  it('is discovered and blocks the boot (the built-in destructive check was waived by allowDestructive)', async () => {
    const before = await snapshot(db);
    NoTruncateUsers.judged = [];
    const booted = await bootInProcess(moduleWith({ runOnBoot: { enabled: true } }));
    try {
      expect(booted.error).toBeInstanceOf(BootMigrationError);
      expect((booted.error as Error).message).toMatch(/^Run on boot failed: Refusing to migrate on boot: 1 blocking finding\(s\) in c0c000000002 \(no-truncate-users\)/);
      expect(NoTruncateUsers.judged).toEqual(['c0c000000001', 'c0c000000002']);
      expect(booted.logs.lines('warn')).toEqual([
        'BLOCK c0c000000002 no-truncate-users: TRUNCATE of users deletes every account [TRUNCATE TABLE "users"]; Delete the rows you mean to in a reviewed data migration.',
      ]);
      expect(booted.logs.lines('error')).toHaveLength(1);
    } finally {
      await booted.close();
    }
    expect(await snapshot(db)).toEqual(before);
    expect(await tableExists(db, 'users')).toBe(false);
  });

  it('db lint prints its finding and exits 1', async () => {
    const result = await runInProcess(moduleWith({}), ['db', 'lint']);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      'BLOCK c0c000000002 no-truncate-users: TRUNCATE of users deletes every account [TRUNCATE TABLE "users"]; Delete the rows you mean to in a reviewed data migration.',
      '2 migration(s) checked: 1 blocking, 0 warning(s).',
    ]);
  });

  it('follows checks.<name>: at warn the boot applies with a warning', async () => {
    const booted = await bootInProcess(moduleWith({ checks: { 'no-truncate-users': 'warn' }, runOnBoot: { enabled: true } }));
    try {
      expect(booted.error).toBeUndefined();
      expect(booted.state).toEqual({ phase: 'applied' });
      expect(booted.logs.lines('warn')).toEqual([expect.stringMatching(/^warn c0c000000002 no-truncate-users: TRUNCATE of users/)]);
    } finally {
      await booted.close();
    }
    expect(await ledgerIds(db)).toEqual(['c0c000000001', 'c0c000000002']);
    expect(await tableExists(db, 'users_archive')).toBe(true);
  });
});
