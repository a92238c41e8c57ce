import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One statement of a generated migration, with the comment lines written above it. */
export interface GeneratedStatement {
  comment: string;
  sql: string;
}

/**
 * The migration files `db migrate -m` wrote into `dir`, oldest first by creation: names written within one
 * minute sort by their random id, not by time.
 */
export function generatedFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.entity.ts'))
    .sort((a, b) => statSync(join(dir, a)).mtimeMs - statSync(join(dir, b)).mtimeMs);
}

/** The source of the newest generated migration in `dir`. */
export function newestGenerated(dir: string): string {
  const files = generatedFiles(dir);
  return readFileSync(join(dir, files[files.length - 1]), 'utf8');
}

/** The statements of a generated migration's `up` (or `down`), in order, each with its comment. */
export function generatedStatements(source: string, method: 'up' | 'down'): GeneratedStatement[] {
  const body = source.split(`async ${method}(`)[1].split('\n  }\n')[0];
  return [...body.matchAll(/((?:\s*\/\/.*\n)*)\s*await queryRunner\.query\(`(.*)`\);/g)].map((match) => ({
    comment: match[1].replace(/^\s*\/\/ ?/gm, '').trim(),
    sql: match[2].replace(/\\`/g, '`').replace(/\\\\/g, '\\'),
  }));
}
