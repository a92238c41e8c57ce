import type { MigrationInterface } from 'typeorm';
import type { ChecksumAlgorithm } from '../../core/checksum';
import type { Revision } from '../../core/revision';

/**
 * Metadata a migration class declares as `static readonly revision`. Only the type is imported by
 * migration files, so they carry no runtime dependency on this library and stay runnable by TypeORM's CLI.
 */
export interface RevisionInfo {
  /** 12 lowercase hex characters, random. */
  id: string;
  /** Parent revision ids: [] for the first migration, several for a merge. */
  parents: string[];
  message: string;
  /** ISO-8601 creation time. */
  createdAt?: string;
  /** Marks the migration as reviewed for destructive changes (checked by the boot hook's safety rules). */
  allowDestructive?: boolean;
  /**
   * Lint findings reviewed and accepted for this migration, each with the reason: they are shown by
   * `db lint` as accepted and do not block. See docs/lint-rules.md for the rule ids.
   */
  accept?: { rule: string; reason: string }[];
}

export type MigrationClass = (new () => MigrationInterface) & { revision?: RevisionInfo };

/** One migration file on disk, ready to run: its place in the graph plus how to instantiate it. */
export interface MigrationFile {
  readonly revision: Revision;
  readonly file: string;
  readonly className: string;
  /** The name TypeORM records for it in its own `migrations` table (the instance's `name`, else the class name). */
  readonly typeormName: string;
  /** `revision`: our format; `typeorm`: a plain TypeORM migration chained by its timestamp. */
  readonly format: 'revision' | 'typeorm';
  readonly migrationClass: MigrationClass;
  readonly info?: RevisionInfo;
  /** The checksum in an algorithm remembered for this migration's file as it is now, if any. */
  cachedChecksum(algorithm: ChecksumAlgorithm): string | undefined;
  /** Remembers a computed checksum, by the algorithm its prefix names (kept in the migration index while the file is unchanged). */
  rememberChecksum(checksum: string): void;
  /** Forgets the loaded code (a long run of migrations then holds one at a time in memory). */
  release(): void;
}
