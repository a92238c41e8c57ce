import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationFile } from '../files/migration-file';
import { historyKeys } from './history-key';

describe('shadow history keys', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'history-key-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (id: string, text: string): MigrationFile => {
    const path = join(dir, `${id}.js`);
    writeFileSync(path, text);
    return { revision: { id }, file: path } as unknown as MigrationFile;
  };

  it('has one key per prefix, and a longer history keeps the keys of its prefixes', () => {
    const a = file('a', 'A');
    const b = file('b', 'B');
    const short = historyKeys([a]) as string[];
    const long = historyKeys([a, b]) as string[];
    expect(long).toHaveLength(3);
    expect(long.slice(0, 2)).toEqual(short);
    expect(new Set(long).size).toBe(3);
    for (const key of long) expect(key).toMatch(/^[0-9a-f]{12}$/);
  });

  it('changes with a file edit, the order, and the salt', () => {
    const a = file('a', 'A');
    const b = file('b', 'B');
    const before = (historyKeys([a, b]) as string[])[2];
    expect((historyKeys([b, a]) as string[])[2]).not.toBe(before);
    expect((historyKeys([a, b], 'other_schema') as string[])[2]).not.toBe(before);
    file('b', 'B edited');
    expect((historyKeys([a, b]) as string[])[2]).not.toBe(before);
  });

  it('is undefined when a file cannot be read (no cache then)', () => {
    expect(historyKeys([{ revision: { id: 'x' }, file: join(dir, 'missing.js') } as unknown as MigrationFile])).toBeUndefined();
  });
});
