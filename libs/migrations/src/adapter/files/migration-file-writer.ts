import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { OperationFailedError, UsageError } from '../../core/errors';

/**
 * Writes a new migration file into `dir` (created if missing) and returns its absolute path. Never
 * overwrites an existing file, and refuses a `fileName` that would land anywhere but directly inside `dir`.
 */
export function writeMigrationFile(dir: string, fileName: string, source: string): string {
  const folder = resolve(dir);
  const target = resolve(folder, fileName);
  const rel = relative(folder, target);
  if (
    !fileName ||
    /[/\\\0]/.test(fileName) ||
    fileName === '.' ||
    fileName === '..' ||
    !rel ||
    rel.startsWith('..') ||
    isAbsolute(rel) ||
    dirname(target) !== folder
  ) {
    throw new UsageError(
      `Refusing to write migration file ${JSON.stringify(fileName)}: it must be a plain file name inside ${folder}`,
    );
  }

  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new OperationFailedError(`Cannot create migrations folder ${folder}: ${reason(error)}`);
  }
  if (!statSync(folder).isDirectory()) {
    throw new OperationFailedError(`Cannot write migration file: ${folder} is not a folder`);
  }

  try {
    writeFileSync(target, source, { encoding: 'utf8', flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'EEXIST') {
      throw new OperationFailedError(
        `Migration file ${target} already exists; refusing to overwrite it`,
        'Move the existing file away, or create the migration again (it gets a new id).',
        'file_exists',
      );
    }
    throw new OperationFailedError(`Cannot write migration file ${target}: ${reason(error)}`);
  }
  return target;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
