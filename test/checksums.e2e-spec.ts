import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootOnce, logLines } from './support/app-process';
import { BOOT_FIXTURES, composeMigrations, type MigrationFolder } from './support/boot-fixtures';
import { createTestDatabase, type TestDatabase } from './support/database';
import { cliFor, expectCleanFailure, LEDGER } from './support/example-app';

const ACCOUNTS = 'b0a700000001';
const NOTES = 'c5c500000001';
const NOTES_FILE = `20261205_0900_${NOTES}_create_notes.js`;
/** What 0.2.0 (checksum v1: whitespace-folded SQL text) stored for these fixtures, computed by 0.2.0 itself. */
const V1 = {
  [ACCOUNTS]: '2aba7b06695917df78d02d6f1f93a2ccee4db0e5527a4b9350db684229f320aa',
  [NOTES]: '9581d31f8b994047fe4f2ae9c2fdd512ec088b5c3c6b82a6369d1a1b91252999',
};
const V2 = /^v2:[A-Za-z0-9_-]{43}$/;
const EDITED_WARNING = /^warning: Applied migration\(s\) edited since they were applied/m;

/** Checksums of applied migrations, from PostgreSQL's parse trees, and ledgers written by 0.2.0 (docs/design.md). */
describe('checksums of applied migrations', () => {
  let db: TestDatabase;
  let folder: MigrationFolder;
  beforeEach(async () => (db = await createTestDatabase('checksums')));
  afterEach(async () => {
    folder?.remove();
    await db.drop();
  });

  const checksums = async (): Promise<Record<string, string>> =>
    Object.fromEntries((await db.query<{ revision: string; checksum: string }>(`SELECT revision, checksum FROM ${LEDGER} ORDER BY seq`)).map((r) => [r.revision, r.checksum]));
  /** The ledger as 0.2.0 wrote it: the same rows, with its checksums. */
  const writtenBy020 = async () => {
    for (const [revision, checksum] of Object.entries(V1)) await db.query(`UPDATE ${LEDGER} SET checksum = $2 WHERE revision = $1`, [revision, checksum]);
  };
  const edited = async (cli: ReturnType<typeof cliFor>) => {
    const current = await cli('db', 'current', '--json');
    expect(current.code).toBe(0);
    return JSON.parse(current.stdout).edited as string[];
  };

  it('rows written by 0.2.0 are checked the old way, left alone by read commands and --dry-run, and upgraded in place by db migrate', async () => {
    folder = composeMigrations('boot-base', 'checksum-base');
    const cli = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir, MIGRATIONS_INTEGRITY: 'block' });
    expect((await cli('db', 'migrate')).code).toBe(0);
    const written = await checksums();
    expect(Object.values(written)).toEqual([expect.stringMatching(V2), expect.stringMatching(V2)]);

    await writtenBy020();
    const logBefore = await db.query(`SELECT * FROM ${LEDGER}_log ORDER BY seq`);
    expect(await edited(cli)).toEqual([]);
    expect(await checksums()).toEqual(V1);
    expect((await cli('db', 'migrate', '--dry-run')).code).toBe(0);
    expect(await checksums()).toEqual(V1);

    const migrated = await cli('db', 'migrate');
    expect(migrated.code).toBe(0);
    expect(migrated.stderr).not.toMatch(EDITED_WARNING);
    expect(await checksums()).toEqual(written);
    // The same fact in another format: no audit log line.
    expect(await db.query(`SELECT * FROM ${LEDGER}_log ORDER BY seq`)).toEqual(logBefore);
    expect(await edited(cli)).toEqual([]);
  });

  it('a row written by 0.2.0 whose migration was edited since is reported and keeps its old checksum; a refused run upgrades nothing', async () => {
    folder = composeMigrations('boot-base', 'checksum-base');
    const cli = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir });
    expect((await cli('db', 'migrate')).code).toBe(0);
    const written = await checksums();
    await writtenBy020();
    copyFileSync(join(BOOT_FIXTURES, 'boot-base-edited', `20261201_0900_${ACCOUNTS}_create_accounts.js`), join(folder.dir, `20261201_0900_${ACCOUNTS}_create_accounts.js`));

    expect(await edited(cli)).toEqual([ACCOUNTS]);
    // A refused run leaves no trace, not even the upgrade of the unchanged row.
    const strict = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir, MIGRATIONS_INTEGRITY: 'block' });
    expectCleanFailure(await strict('db', 'migrate'), 2, new RegExp(`Refusing to migrate: Applied migration\\(s\\) edited since they were applied: ${ACCOUNTS}`));
    expect(await checksums()).toEqual(V1);

    const migrated = await cli('db', 'migrate');
    expect(migrated.code).toBe(0);
    expect(migrated.stderr).toMatch(new RegExp(`^warning: Applied migration\\(s\\) edited since they were applied: ${ACCOUNTS}$`, 'm'));
    expect(await checksums()).toEqual({ [ACCOUNTS]: V1[ACCOUNTS], [NOTES]: written[NOTES] });
  });

  it('boot: up to date, a 0.2.0 row is checked the old way and left; migrating, it is upgraded with the run', async () => {
    folder = composeMigrations('boot-base');
    const env = { DATABASE_URL: db.url, MIGRATE_ON_BOOT: 'true', MIGRATIONS_COMPILED_DIR: folder.dir, MIGRATIONS_INTEGRITY: 'block' };
    expect((await cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir })('db', 'migrate')).code).toBe(0);
    const written = await checksums();
    await db.query(`UPDATE ${LEDGER} SET checksum = $1`, [V1[ACCOUNTS]]);

    const upToDate = await bootOnce(env);
    expect(upToDate.health!.status).toBe(200);
    expect(logLines(upToDate.output, 'WARN')).toEqual([]);
    expect(await checksums()).toEqual({ [ACCOUNTS]: V1[ACCOUNTS] });

    copyFileSync(join(BOOT_FIXTURES, 'checksum-base', NOTES_FILE), join(folder.dir, NOTES_FILE));
    const migrating = await bootOnce(env);
    expect(migrating.health!.status).toBe(200);
    expect(logLines(migrating.output, 'WARN')).toEqual([]);
    expect(await checksums()).toEqual({ [ACCOUNTS]: written[ACCOUNTS], [NOTES]: expect.stringMatching(V2) });
  });

  it('a reformatted migration (layout, case, quoting, comments) is not edited; one with a changed literal is', async () => {
    folder = composeMigrations('boot-base', 'checksum-base');
    const cli = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir });
    const strict = cliFor(db, { MIGRATIONS_COMPILED_DIR: folder.dir, MIGRATIONS_INTEGRITY: 'block' });
    expect((await cli('db', 'migrate')).code).toBe(0);
    const written = await checksums();

    copyFileSync(join(BOOT_FIXTURES, 'checksum-reformatted', NOTES_FILE), join(folder.dir, NOTES_FILE));
    expect(await edited(cli)).toEqual([]);
    const reformatted = await strict('db', 'migrate');
    expect(reformatted.code).toBe(0);
    expect(reformatted.stderr).not.toMatch(EDITED_WARNING);

    // 'a  b' -> 'a b': whitespace inside a string literal is data (0.2.0 folded it away and saw no change).
    copyFileSync(join(BOOT_FIXTURES, 'checksum-literal', NOTES_FILE), join(folder.dir, NOTES_FILE));
    expect(await edited(cli)).toEqual([NOTES]);
    expectCleanFailure(await strict('db', 'migrate'), 2, new RegExp(`Refusing to migrate: Applied migration\\(s\\) edited since they were applied: ${NOTES}`));
    const accepted = await strict('db', 'migrate', '--accept-edited');
    expect(accepted.code).toBe(0);
    expect(await checksums()).toEqual(written);
  });
});
