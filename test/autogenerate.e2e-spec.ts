import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedFiles, newestGenerated } from './support/generated-files';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Test } from '@nestjs/testing';
import { MigrationGenerator } from 'nest-migrations';
import { describeRename } from '../libs/migrations/src/core/rename-candidates';
import { dumpCatalog } from 'nest-migrations/testing';
import { createTestDatabase, type TestDatabase } from './support/database';
import { runInProcess, testAppModule } from './support/in-process';

// Version 1 of a small app: authors and their books.
@Entity('authors')
class AuthorV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 100 }) name: string;
}
@Entity('books')
class BookV1 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ name: 'author_id', type: 'integer' }) authorId: number;
  @ManyToOne(() => AuthorV1, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'author_id' }) author: AuthorV1;
}

// Version 2: authors gain an email.
@Entity('authors')
class AuthorV2 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) email: string | null;
}
@Entity('books')
class BookV2 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ name: 'author_id', type: 'integer' }) authorId: number;
  @ManyToOne(() => AuthorV2, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'author_id' }) author: AuthorV2;
}

// Version 3: authors.name is renamed full_name (same type).
@Entity('authors')
class AuthorV3 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'full_name', type: 'varchar', length: 100 }) fullName: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) email: string | null;
}
@Entity('books')
class BookV3 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ name: 'author_id', type: 'integer' }) authorId: number;
  @ManyToOne(() => AuthorV3, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'author_id' }) author: AuthorV3;
}

// Version 4: the books table is renamed volumes (same columns).
@Entity('volumes')
class VolumeV4 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ name: 'author_id', type: 'integer' }) authorId: number;
  @ManyToOne(() => AuthorV3, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'author_id' }) author: AuthorV3;
}

/** db migrate -m, db check and friends, on a real database, as a developer uses them day to day. */
describe('autogenerate', () => {
  let db: TestDatabase;
  let dir: string;
  let sources: string;

  beforeAll(async () => {
    db = await createTestDatabase('autogen');
    dir = mkdtempSync(join(tmpdir(), 'autogen-'));
    sources = mkdtempSync(join(tmpdir(), 'autogen-src-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(sources, { recursive: true, force: true });
    await db.drop();
  });

  const app = (entities: Function[]) =>
    testAppModule({ url: db.url, entities, migrationsDir: dir, migrations: { sourceRoot: sources } });
  const files = () => generatedFiles(dir);
  const newest = () => newestGenerated(dir);

  it('refuses an empty message and writes nothing', async () => {
    const result = await runInProcess(app([AuthorV1, BookV1]), ['db', 'migrate', '-m', '   ']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Migration message must not be empty');
    expect(files()).toEqual([]);
  });

  it('generates the initial migration, applies it, and then check is clean', async () => {
    const v1 = app([AuthorV1, BookV1]);
    const before = await runInProcess(v1, ['db', 'check']);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('CREATE TABLE "authors"');

    const generated = await runInProcess(v1, ['db', 'migrate', '-m', 'Initial migration - create authors and books']);
    expect(generated.code).toBe(0);
    expect(files()).toEqual([expect.stringMatching(/^\d{8}_\d{4}_[0-9a-f]{12}_initial_migration_create_authors_and_books\.ts$/)]);
    expect(generated.stdout).toContain(files()[0]);
    expect(newest()).toContain("parents: []");

    expect((await runInProcess(v1, ['db', 'migrate'])).code).toBe(0);
    expect(await db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('authors', 'books')`)).toEqual([{ n: 2 }]);
    const check = await runInProcess(v1, ['db', 'check']);
    expect(check).toMatchObject({ code: 0, stdout: expect.stringContaining('in sync') });
  });

  it('says "No changes detected" and writes nothing when entities match', async () => {
    const result = await runInProcess(app([AuthorV1, BookV1]), ['db', 'migrate', '-m', 'Nothing new']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No changes detected');
    expect(files()).toHaveLength(1);
  });

  it('fails check after a column is added, then generates it with the head as parent', async () => {
    const v2 = app([AuthorV2, BookV2]);
    const check = await runInProcess(v2, ['db', 'check', '--json']);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ inSync: false, differences: ['ALTER TABLE "authors" ADD "email" character varying(255)'] });

    const head = /id: '([0-9a-f]{12})'/.exec(newest())?.[1];
    const generated = await runInProcess(v2, ['db', 'migrate', '-m', 'Add email to authors']);
    expect(generated.code).toBe(0);
    expect(newest()).toContain(`parents: ['${head}']`);
    expect(newest()).toContain('ALTER TABLE "authors" ADD "email" character varying(255)');
  });

  it('refuses to generate while the database is not at head', async () => {
    const result = await runInProcess(app([AuthorV2, BookV2]), ['db', 'migrate', '-m', 'Too early']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Target database is not up to date.');
    expect(result.stderr).toContain('run `db migrate` first');
    expect(files()).toHaveLength(2);
    expect((await runInProcess(app([AuthorV2, BookV2]), ['db', 'migrate'])).code).toBe(0);
    expect((await runInProcess(app([AuthorV2, BookV2]), ['db', 'check'])).code).toBe(0);
  });

  it('prints a pending migration as SQL with --sql and changes nothing', async () => {
    const v2 = app([AuthorV2, BookV2]);
    expect((await runInProcess(v2, ['db', 'rollback'])).code).toBe(0);
    const before = await dumpCatalog(db.query);
    const ledger = await db.query('SELECT * FROM migrations_ledger ORDER BY seq');
    const sql = await runInProcess(v2, ['db', 'migrate', '--sql']);
    expect(sql.code).toBe(0);
    expect(sql.stdout).toMatch(/-- Running upgrade [0-9a-f]{12} -> [0-9a-f]{12}, Add email to authors\nBEGIN;\nALTER TABLE "authors" ADD "email" character varying\(255\);\nWITH "ledger" AS \(INSERT INTO "public"."migrations_ledger" .*\) INSERT INTO "public"."migrations_ledger_log" .*'applied'.*\);\nCOMMIT;/);
    const down = await runInProcess(v2, ['db', 'rollback', '--sql']);
    expect(down.stdout).toMatch(/-- Running downgrade [0-9a-f]{12} -> <base>, Initial migration/);
    expect(down.stdout).toContain('DROP TABLE "authors"');
    expect(down.stdout).toContain('DELETE FROM "public"."migrations_ledger"');
    expect(down.stdout).toMatch(/INSERT INTO "public"."migrations_ledger_log" .*'reverted'.*\);$/m);
    expect(await dumpCatalog(db.query)).toEqual(before);
    expect(await db.query('SELECT * FROM migrations_ledger ORDER BY seq')).toEqual(ledger);
    expect((await runInProcess(v2, ['db', 'migrate'])).code).toBe(0);
  });

  it('without a TTY, generates drop + add for a likely rename, with a warning in the file and on stderr', async () => {
    const v3 = app([AuthorV3, BookV3]);
    const result = await runInProcess(v3, ['db', 'migrate', '-m', 'Rename name to full name']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('column authors.name -> authors.full_name looks like a rename');
    expect(result.stderr).toContain('--rename authors.name:full_name');
    const source = newest();
    expect(source).toContain('// DESTRUCTIVE: drops column authors.name and its data');
    expect(source).toContain('// WARNING: looks like a rename (column authors.name -> authors.full_name)');
    expect(source).toContain('ALTER TABLE "authors" DROP COLUMN "name"');
    rmSync(join(dir, files()[files().length - 1]));
  });

  it('asks about each rename candidate when someone can answer (a TTY), and generates what they chose', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [app([AuthorV3, BookV3])] }).compile();
    try {
      const asked: string[] = [];
      const report = await moduleRef.get(MigrationGenerator).generate({
        message: 'Answered rename',
        confirm: async (rename) => {
          asked.push(describeRename(rename));
          return true;
        },
      });
      expect(asked).toEqual(['column authors.name -> authors.full_name']);
      expect(report.renames).toEqual([{ kind: 'column', table: 'authors', from: 'name', to: 'full_name' }]);
      expect(report.unresolvedRenames).toEqual([]);
      expect(readFileSync(report.file as string, 'utf8')).toContain('ALTER TABLE "authors" RENAME COLUMN "name" TO "full_name"');
      rmSync(report.file as string);
    } finally {
      await moduleRef.close();
    }
  });

  it('generates a column rename with --rename, keeping the rows, and a down that renames back', async () => {
    await db.query(`INSERT INTO authors (name) VALUES ('Ursula'), ('Terry')`);
    await db.query(`INSERT INTO books (title, author_id) VALUES ('Earthsea', 1)`);
    const v3 = app([AuthorV3, BookV3]);
    const result = await runInProcess(v3, ['db', 'migrate', '-m', 'Rename name to full name', '--rename', 'authors.name:full_name']);
    expect(result.code).toBe(0);
    // The rename keeps the rows, but the app version still running uses the old name: the configured
    // checks (renaming-column: block) will refuse it, and the generator says so now, with the way out.
    expect(result.stderr.trim().split('\n')).toEqual([
      'warning: the safety checks will refuse this migration: renaming-column: RENAME of a column breaks the running version of the app, ' +
        "which still uses the old name. Once reviewed, add /* lint:accept renaming-column reason: <why> */ to the statement, or add accept: [{ rule: 'renaming-column', reason: '<why>' }] to the revision, or set allowDestructive: true in the revision, or pass --allow-destructive to `db migrate`.",
    ]);
    expect(newest()).toContain('// REFUSED by the safety checks (renaming-column): RENAME of a column breaks the running version of the app');
    expect(newest()).toContain('ALTER TABLE "authors" RENAME COLUMN "name" TO "full_name"');
    expect(newest()).toContain('ALTER TABLE "authors" RENAME COLUMN "full_name" TO "name"');
    expect((await runInProcess(v3, ['db', 'migrate', '--allow-destructive'])).code).toBe(0);
    expect(await db.query('SELECT full_name FROM authors ORDER BY id')).toEqual([{ full_name: 'Ursula' }, { full_name: 'Terry' }]);
    expect((await runInProcess(v3, ['db', 'check'])).code).toBe(0);

    expect((await runInProcess(v3, ['db', 'rollback'])).code).toBe(0);
    expect(await db.query('SELECT name FROM authors ORDER BY id')).toEqual([{ name: 'Ursula' }, { name: 'Terry' }]);
    expect((await runInProcess(v3, ['db', 'migrate', '--allow-destructive'])).code).toBe(0);
  });

  it('generates a table rename with --rename, keeping the rows', async () => {
    const v4 = app([AuthorV3, VolumeV4]);
    const wrong = await runInProcess(v4, ['db', 'migrate', '-m', 'Rename books', '--rename', 'books:tomes']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('does not match a rename candidate');
    expect(wrong.stderr).toContain('table books -> volumes');

    const result = await runInProcess(v4, ['db', 'migrate', '-m', 'Rename books to volumes', '--rename', 'books:volumes', '--verbose']);
    expect(result.code).toBe(0);
    // The renames run on a copy of the cached template (this process leaves the template first: PostgreSQL
    // copies no database anyone is connected to), not on a replay of the history.
    expect(result.stderr).toMatch(/Shadow: \S+ ready \(cache hit: cloned from \S+_shadow_tpl_[0-9a-f]{12}, 0 migration\(s\) replayed\)/);
    expect(result.stderr).not.toContain('replaying without the cache');
    expect(newest()).toContain('ALTER TABLE "books" RENAME TO "volumes"');
    expect(newest()).toContain('ALTER SEQUENCE "public"."books_id_seq" RENAME TO "volumes_id_seq"');
    expect((await runInProcess(v4, ['db', 'migrate', '--allow-destructive'])).code).toBe(0);
    expect(await db.query('SELECT title FROM volumes')).toEqual([{ title: 'Earthsea' }]);
    const check = await runInProcess(v4, ['db', 'check']);
    expect(check).toMatchObject({ code: 0 });
  });

  it('reports an entity file that nothing registers, in check and in -m', async () => {
    writeFileSync(
      join(sources, 'ghost.entity.ts'),
      `import { Entity, PrimaryGeneratedColumn } from 'typeorm';\n@Entity('ghosts')\nexport class Ghost {\n  @PrimaryGeneratedColumn() id: number;\n}\n`,
    );
    try {
      const v4 = app([AuthorV3, VolumeV4]);
      const check = await runInProcess(v4, ['db', 'check']);
        expect(check.code).toBe(1);
      expect(check.stdout).toMatch(/unregistered: Ghost in .*ghost\.entity\.ts is declared as an entity, but no loaded module imports it/);
      const generate = await runInProcess(v4, ['db', 'migrate', '-m', 'Add ghosts']);
      expect(generate.code).toBe(2);
      expect(generate.stderr).toMatch(/1 entity is declared but not registered: Ghost \(.*ghost\.entity\.ts\)/);
      const allowed = await runInProcess(v4, ['db', 'migrate', '-m', 'Add ghosts', '--allow-unregistered']);
      expect(allowed).toMatchObject({ code: 0, stdout: expect.stringContaining('No changes detected') });
    } finally {
      rmSync(join(sources, 'ghost.entity.ts'));
    }
  });

  it('writes a blank migration with --empty, and embeds any message safely', async () => {
    const message = "Backfill `status` for ${tenant} \\ 'quoted' ../../etc/passwd";
    const v4 = app([AuthorV3, VolumeV4]);
    const result = await runInProcess(v4, ['db', 'migrate', '-m', message, '--empty']);
    expect(result.code).toBe(0);
    const name = files()[files().length - 1];
    expect(name).toMatch(/^\d{8}_\d{4}_[0-9a-f]{12}_backfill_status_for_tenant_quoted_etc_passwd\.ts$/);
    expect(readdirSync(dir).every((entry) => !entry.includes('/'))).toBe(true);
    const history = JSON.parse((await runInProcess(v4, ['db', 'history', '--json'])).stdout);
    expect(history[0].message).toBe(message);
    expect((await runInProcess(v4, ['db', 'migrate'])).code).toBe(0);
  });

});
