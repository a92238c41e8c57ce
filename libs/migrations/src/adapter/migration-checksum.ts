import { createHash } from 'node:crypto';
import { canonicalTree, storedChecksum, type ChecksumAlgorithm } from '../core/checksum';
import type { CapturedStatement } from './sql-capture';
import { loadSqlParser, parseSql } from './sql-annotations';

/**
 * The checksum of what a migration does, not of how its file looks, from the SQL its `up` and `down` send
 * (captured without touching the database), in the given algorithm (see core/checksum.ts). Parameter values
 * are left out, so a migration that passes `new Date()` stays stable.
 */
export async function migrationChecksum(
  up: readonly CapturedStatement[],
  down: readonly CapturedStatement[],
  algorithm: ChecksumAlgorithm,
): Promise<string> {
  if (algorithm === 'v1') return storedChecksum('v1', digest(up, down, (sql) => [foldWhitespace(sql)]).toString('hex'));
  await loadSqlParser();
  return storedChecksum('v2', digest(up, down, treeLines).toString('base64url'));
}

function digest(up: readonly CapturedStatement[], down: readonly CapturedStatement[], lines: (sql: string) => string[]): Buffer {
  const hash = createHash('sha256');
  for (const [label, list] of [['up', up], ['down', down]] as const) {
    hash.update(`${label}\n`);
    for (const statement of list) for (const line of lines(statement.sql)) hash.update(`${line}\n`);
  }
  return hash.digest();
}

/** v1, as 0.2.0 wrote it: whitespace folded everywhere, string literals included. */
function foldWhitespace(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/**
 * v2: one line per statement in the text (a `query()` call may send several), PostgreSQL's parse tree
 * without source positions; text the parser refuses is hashed exactly as sent.
 */
function treeLines(sql: string): string[] {
  let stmts: { stmt: unknown }[];
  try {
    stmts = (parseSql(sql) as { stmts?: { stmt: unknown }[] }).stmts ?? [];
  } catch {
    return [`text ${JSON.stringify(sql)}`];
  }
  return stmts.map(({ stmt }) => `tree ${canonicalTree(stmt)}`);
}
