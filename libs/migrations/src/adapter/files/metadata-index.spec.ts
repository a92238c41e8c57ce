import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationIndex } from './metadata-index';

const V1 = 'c'.repeat(64);
const FILE = '20261201_0900_b0a700000001_create_accounts.js';
const EXPORTS = [{ exportName: 'CreateAccounts', name: 'CreateAccounts' }];

describe('MigrationIndex checksums', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'metadata-index-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const indexFile = () => JSON.parse(readFileSync(join(dir, '.migrations-index.json'), 'utf8'));

  it('keeps one checksum per algorithm, and the file it writes holds both', () => {
    const index = MigrationIndex.open(dir);
    index.store(FILE, 10, 1, EXPORTS);
    index.storeChecksum(FILE, 'CreateAccounts', V1);
    index.storeChecksum(FILE, 'CreateAccounts', 'v2:old');
    index.storeChecksum(FILE, 'CreateAccounts', 'v2:new');
    expect(index.checksum(FILE, 'CreateAccounts', 'v1')).toBe(V1);
    expect(index.checksum(FILE, 'CreateAccounts', 'v2')).toBe('v2:new');
    index.save();

    expect(indexFile()).toMatchObject({ version: 2, entries: { [FILE]: { checksums: { CreateAccounts: [V1, 'v2:new'] } } } });
    const reopened = MigrationIndex.open(dir);
    expect(reopened.lookup(FILE, 10, 1)).toEqual(EXPORTS);
    expect(reopened.checksum(FILE, 'CreateAccounts', 'v2')).toBe('v2:new');
  });

  it("reads 0.2.0's index (version 1): its checksums are v1, so old ledger rows are checked without loading the file", () => {
    const entry = { size: 10, mtimeMs: 1, exports: EXPORTS, checksums: { CreateAccounts: V1 } };
    writeFileSync(join(dir, '.migrations-index.json'), JSON.stringify({ version: 1, entries: { [FILE]: entry } }));
    const index = MigrationIndex.open(dir);
    expect(index.lookup(FILE, 10, 1)).toEqual(EXPORTS);
    expect(index.checksum(FILE, 'CreateAccounts', 'v1')).toBe(V1);
    expect(index.checksum(FILE, 'CreateAccounts', 'v2')).toBeUndefined();
  });

  it('forgets the checksums of a file that changed', () => {
    const index = MigrationIndex.open(dir);
    index.store(FILE, 10, 1, EXPORTS);
    index.storeChecksum(FILE, 'CreateAccounts', 'v2:x');
    index.store(FILE, 11, 2, EXPORTS);
    expect(index.checksum(FILE, 'CreateAccounts', 'v2')).toBeUndefined();
  });
});
