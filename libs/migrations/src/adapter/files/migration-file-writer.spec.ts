import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { OperationFailedError, UsageError } from '../../core/errors';
import { writeMigrationFile } from './migration-file-writer';

describe('writeMigrationFile', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'migration-writer-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const NAME = '20261122_1047_b82d814bc902_add_orders_table.ts';
  const SOURCE = "export class X {}\n// Café 🚀 `${x}` \\ '\n";

  it('writes the file, creating missing folders, and returns its absolute path', () => {
    const dir = join(root, 'a', 'b', 'migrations');
    const written = writeMigrationFile(dir, NAME, SOURCE);
    expect(written).toBe(join(dir, NAME));
    expect(readFileSync(written, 'utf8')).toBe(SOURCE);
  });

  it('resolves a relative folder against the working directory', () => {
    const dir = relative(process.cwd(), join(root, 'rel'));
    const written = writeMigrationFile(dir, NAME, SOURCE);
    expect(written).toBe(join(root, 'rel', NAME));
    expect(existsSync(written)).toBe(true);
  });

  it('writes into an existing folder next to other files', () => {
    writeFileSync(join(root, 'other.ts'), 'x');
    writeMigrationFile(root, NAME, SOURCE);
    expect(readdirSync(root).sort()).toEqual([NAME, 'other.ts']);
  });

  it('refuses to overwrite an existing file and leaves it untouched', () => {
    writeMigrationFile(root, NAME, 'first\n');
    let error: unknown;
    try {
      writeMigrationFile(root, NAME, 'second\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OperationFailedError);
    expect((error as OperationFailedError).message).toBe(`Migration file ${join(root, NAME)} already exists; refusing to overwrite it`);
    expect((error as OperationFailedError).code).toBe('file_exists');
    expect((error as OperationFailedError).exitCode).toBe(1);
    expect(readFileSync(join(root, NAME), 'utf8')).toBe('first\n');
  });

  it('refuses to write through a symbolic link, even a dangling one', () => {
    const outside = join(root, 'outside.ts');
    const dir = join(root, 'migrations');
    mkdirSync(dir);
    symlinkSync(outside, join(dir, NAME));
    expect(() => writeMigrationFile(dir, NAME, SOURCE)).toThrow(/already exists/);
    expect(existsSync(outside)).toBe(false);
  });

  it('refuses a name taken by a folder', () => {
    mkdirSync(join(root, NAME));
    expect(() => writeMigrationFile(root, NAME, SOURCE)).toThrow(OperationFailedError);
  });

  it.each([
    '../escape.ts',
    '../../etc/passwd',
    'sub/dir.ts',
    'sub\\dir.ts',
    '/etc/passwd',
    '/tmp/abs.ts',
    '..',
    '.',
    '',
    'nul\u0000.ts',
  ])('refuses the file name %j', (fileName) => {
    const dir = join(root, 'migrations');
    expect(() => writeMigrationFile(dir, fileName, SOURCE)).toThrow(UsageError);
    expect(() => writeMigrationFile(dir, fileName, SOURCE)).toThrow(/Refusing to write migration file/);
    expect(existsSync(dir)).toBe(false); // nothing created either
    expect(readdirSync(root)).toEqual([]);
  });

  it('reports a folder that cannot be created', () => {
    writeFileSync(join(root, 'file'), 'x');
    expect(() => writeMigrationFile(join(root, 'file'), NAME, SOURCE)).toThrow(/Cannot create migrations folder/);
    expect(() => writeMigrationFile(join(root, 'file', 'sub'), NAME, SOURCE)).toThrow(OperationFailedError);
  });

  it('reports a folder that is not writable', () => {
    // As root, file modes do not stop a write; sysfs refuses new files to everyone, root included.
    if (process.getuid?.() === 0) {
      expect(() => writeMigrationFile('/sys', NAME, SOURCE)).toThrow(/Cannot write migration file .*EACCES/);
      return;
    }
    const dir = join(root, 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    try {
      expect(() => writeMigrationFile(dir, NAME, SOURCE)).toThrow(/Cannot write migration file .*EACCES/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});
