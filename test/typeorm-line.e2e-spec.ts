import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { REPO_ROOT } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { runInProcess, testAppModule } from './support/in-process';
import { lineOf, TYPEORM_LINE } from './support/typeorm-line';

/**
 * The library supports TypeORM 0.3.x and 1.x. The Jest project `typeorm-0.3` runs the in-process suites again
 * with every `typeorm` import mapped to the 0.3 line (jest.config.js): this file proves that the mapping reaches
 * all three places that load TypeORM — the tests, @nestjs/typeorm (the app's DataSource) and the library (the
 * shadow database it creates for db check) — so those suites really exercise 0.3. In the `e2e` project it
 * checks the same of 1.x.
 */

/** The package `typeorm` resolves to in this project: set by the `typeorm-0.3` project, else `typeorm` itself. */
const mappedPackage = (globalThis as { typeormPackage?: string }).typeormPackage ?? 'typeorm';
const version: string = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', mappedPackage, 'package.json'), 'utf8')).version;
const expectedLine = version.startsWith('0.3.') ? '0.3' : '1';

@Entity('line_notes')
class Note {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 40 }) title: string;
}

describe(`the TypeORM loaded is ${mappedPackage} ${version}`, () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('typeorm_line');
    dir = mkdtempSync(join(tmpdir(), 'typeorm-line-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it(`is the ${expectedLine} line in the tests`, () => {
    expect(TYPEORM_LINE).toBe(expectedLine);
  });

  it(`is the ${expectedLine} line in @nestjs/typeorm and in the library`, async () => {
    // Observes every DataSource that any module initializes through the TypeORM this file imports; the
    // original initialize still runs.
    const initialize = jest.spyOn(DataSource.prototype, 'initialize');
    try {
      const app = testAppModule({ url: db.url, entities: [Note], migrationsDir: dir, migrations: { sourceRoot: dir } });
      const check = await runInProcess(app, ['db', 'check', '--json']);
      expect(check).toMatchObject({ code: 1, stderr: '' });
      expect(JSON.parse(check.stdout)).toMatchObject({ inSync: false, shadow: 'server' });

      const initialized = initialize.mock.contexts as DataSource[];
      const appSource = initialized.find((source) => (source.options as { url?: string }).url === db.url);
      const shadow = initialized.find((source) => String(source.options.database).includes('_shadow_'));
      expect(appSource).toBeDefined(); // created by @nestjs/typeorm's TypeOrmModule
      expect(shadow).toBeDefined(); // created by the library (adapter/shadow-database.ts)
      expect([lineOf(appSource as DataSource), lineOf(shadow as DataSource)]).toEqual([expectedLine, expectedLine]);
    } finally {
      initialize.mockRestore();
    }
  });
});
