import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumAlgorithm, type ChecksumAlgorithm } from '../../core/checksum';
import type { RevisionInfo } from './migration-file';

/** What one exported migration class declares: enough to build the graph without loading the file. */
export interface ExportDescriptor {
  exportName: string;
  /** The instance's `name`, or the export name (plain TypeORM migrations are chained by it). */
  name: string;
  info?: RevisionInfo;
}

interface IndexEntry {
  size: number;
  mtimeMs: number;
  exports: ExportDescriptor[];
  /**
   * Checksums of what each export's migration runs, by export name, once computed: one per algorithm, as
   * stored in the ledger (prefix included), so old-format ledger rows are checked without re-capturing.
   */
  checksums?: Record<string, string[]>;
}

interface IndexFile {
  version: 2;
  entries: Record<string, IndexEntry>;
}

/** Version 2 holds a list of checksums per export; version 1 (0.2.0) held one, in the v1 algorithm. */
const VERSION = 2;
const FILE_NAME = '.migrations-index.json';

/**
 * A cache of migration metadata beside the compiled migrations (or in the temp folder when that one is
 * read-only), keyed by file name and validated by size and modification time. Commands that only read the
 * graph (`current`, `history`, `heads`) then load no migration code, so their cost barely grows with the
 * number of migrations; a migration's code is loaded when it runs, and checked against its entry then.
 */
export class MigrationIndex {
  private readonly entries: Record<string, IndexEntry>;
  private dirty = false;

  private constructor(
    private readonly dir: string,
    entries: Record<string, IndexEntry>,
  ) {
    this.entries = entries;
  }

  static open(dir: string): MigrationIndex {
    for (const path of candidates(dir)) {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; entries?: unknown };
        if ((parsed.version === VERSION || parsed.version === 1) && parsed.entries && typeof parsed.entries === 'object') {
          const entries = parsed.entries as Record<string, IndexEntry>;
          return new MigrationIndex(dir, parsed.version === 1 ? fromVersion1(entries) : entries);
        }
      } catch {
        // Missing or unreadable: start empty.
      }
    }
    return new MigrationIndex(dir, {});
  }

  lookup(name: string, size: number, mtimeMs: number): ExportDescriptor[] | undefined {
    const entry = this.entries[name];
    return entry && entry.size === size && entry.mtimeMs === mtimeMs ? entry.exports : undefined;
  }

  store(name: string, size: number, mtimeMs: number, exports: ExportDescriptor[]): void {
    this.entries[name] = { size, mtimeMs, exports };
    this.dirty = true;
  }

  /** The checksum of an export's migration in an algorithm, when computed since its file last changed. */
  checksum(name: string, exportName: string, algorithm: ChecksumAlgorithm): string | undefined {
    return this.entries[name]?.checksums?.[exportName]?.find((checksum) => checksumAlgorithm(checksum) === algorithm);
  }

  /** Stores a checksum (replacing the one in its algorithm); the index is written once, when the process exits. */
  storeChecksum(name: string, exportName: string, checksum: string): void {
    const entry = this.entries[name];
    if (!entry) return;
    const algorithm = checksumAlgorithm(checksum);
    const others = (entry.checksums?.[exportName] ?? []).filter((known) => checksumAlgorithm(known) !== algorithm);
    entry.checksums = { ...entry.checksums, [exportName]: [...others, checksum] };
    this.dirty = true;
    saveOnExit(this);
  }

  /** Keeps only the given files, so deleted migrations leave no stale entries. */
  retain(names: ReadonlySet<string>): void {
    for (const name of Object.keys(this.entries)) {
      if (!names.has(name)) {
        delete this.entries[name];
        this.dirty = true;
      }
    }
  }

  /** Best effort: a read-only folder falls back to the temp folder; failing both only costs speed. */
  save(): void {
    if (!this.dirty) return;
    const body = JSON.stringify({ version: VERSION, entries: this.entries } satisfies IndexFile);
    for (const path of candidates(this.dir)) {
      try {
        const temporary = `${path}.${process.pid}.tmp`;
        writeFileSync(temporary, body);
        renameSync(temporary, path);
        this.dirty = false;
        return;
      } catch {
        // Try the next location.
      }
    }
  }
}

/** An index written by 0.2.0: one checksum per export, in the v1 algorithm (still valid for v1 ledger rows). */
function fromVersion1(entries: Record<string, IndexEntry>): Record<string, IndexEntry> {
  for (const entry of Object.values(entries)) {
    const old = entry.checksums as Record<string, unknown> | undefined;
    if (!old) continue;
    entry.checksums = Object.fromEntries(
      Object.entries(old).flatMap(([exportName, value]) => (typeof value === 'string' && checksumAlgorithm(value) === 'v1' ? [[exportName, [value]]] : [])),
    );
  }
  return entries;
}

const pendingSaves = new Set<MigrationIndex>();

/** One exit hook for every index with unsaved checksums: a run of N migrations writes the index once. */
function saveOnExit(index: MigrationIndex): void {
  if (!pendingSaves.size) process.once('exit', () => pendingSaves.forEach((pending) => pending.save()));
  pendingSaves.add(index);
}

function candidates(dir: string): string[] {
  const key = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return [join(dir, FILE_NAME), join(tmpdir(), `nest-migrations-index-${key}.json`)];
}

/** Writes every index with unsaved checksums now (after boot, where the process may live for days). */
export function flushMigrationIndexes(): void {
  pendingSaves.forEach((index) => index.save());
}
