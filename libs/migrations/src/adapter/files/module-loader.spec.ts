import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanMigrationFolder, revisionIdsFromFileNames } from './module-loader';

const fixtures = join(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures');

describe('scanMigrationFolder', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'loader-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads revision metadata from our format', () => {
    const loaded = scanMigrationFolder(join(fixtures, 'throwing'));
    expect(loaded.map((m) => [m.revision.id, m.revision.parents, m.format])).toEqual([
      ['aaaa00000001', [], 'revision'],
      ['bbbb00000002', ['aaaa00000001'], 'revision'],
      ['cccc00000003', ['bbbb00000002'], 'revision'],
    ]);
    expect(loaded[0].revision.createdAt?.toISOString()).toBe('2026-11-01T09:00:00.000Z');
  });

  it('chains plain TypeORM migrations by their timestamp', () => {
    const loaded = scanMigrationFolder(join(fixtures, 'typeorm-legacy'));
    expect(loaded.map((m) => [m.revision.id, m.revision.parents, m.revision.message])).toEqual([
      ['CreateUsers1700000000000', [], 'Create Users'],
      ['CreateTeams1700000100000', ['CreateUsers1700000000000'], 'Create Teams'],
      ['CreateProjects1700000200000', ['CreateTeams1700000100000'], 'Create Projects'],
    ]);
  });

  it('returns nothing for a folder that does not exist', () => {
    expect(scanMigrationFolder(join(dir, 'missing'))).toEqual([]);
  });

  it('rejects an invalid revision id with the file name', () => {
    writeFileSync(join(dir, 'bad.js'), `exports.X = class X { async up() {} async down() {} }; exports.X.revision = { id: 'XYZ', parents: [] };`);
    expect(() => scanMigrationFolder(dir)).toThrow(/bad\.js has an invalid revision id 'XYZ'/);
  });

  it('rejects a file whose name names another revision than the one it declares', () => {
    writeFileSync(
      join(dir, '20261101_0900_aaaaaaaaaaaa_x.js'),
      `exports.X = class X { async up() {} async down() {} }; exports.X.revision = { id: 'bbbbbbbbbbbb', parents: [] };`,
    );
    expect(() => scanMigrationFolder(dir)).toThrow(/is named for revision aaaaaaaaaaaa but declares id 'bbbbbbbbbbbb'/);
  });

  it('reads revision ids from file names alone, or says it cannot', () => {
    writeFileSync(join(dir, '20261101_0900_aaaaaaaaaaaa_x.js'), '');
    writeFileSync(join(dir, '20261101_0900_aaaaaaaaaaaa_x.ts'), '');
    writeFileSync(join(dir, '20261102_0900_bbbbbbbbbbbb_y.js'), '');
    expect(revisionIdsFromFileNames(dir)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']);
    writeFileSync(join(dir, '1700000000000-CreateUsers.js'), '');
    expect(revisionIdsFromFileNames(dir)).toBeUndefined();
  });

  it('rejects a class with neither metadata nor a TypeORM timestamp', () => {
    writeFileSync(join(dir, 'plain.js'), `exports.AddThing = class AddThing { async up() {} async down() {} };`);
    expect(() => scanMigrationFolder(dir)).toThrow(/AddThing in plain\.js has neither `static revision` nor a 13-digit timestamp/);
  });

  it('reports a file that fails to load in one line', () => {
    writeFileSync(join(dir, 'broken.js'), `throw new Error('boom\\nsecond line');`);
    expect(() => scanMigrationFolder(dir)).toThrow(/^Cannot load migration broken\.js: boom$/);
  });

  it('ignores declaration files, source maps and non-migration exports', () => {
    writeFileSync(join(dir, 'a.d.ts'), 'export {};');
    writeFileSync(join(dir, 'a.js.map'), '{}');
    writeFileSync(join(dir, 'helpers.js'), 'exports.helper = () => 1; exports.value = 3;');
    expect(scanMigrationFolder(dir)).toEqual([]);
  });
});
