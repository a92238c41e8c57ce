import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** Checksums of what each export's migration runs, by export name, once computed. */
  checksums?: Record<string, string>;
}

interface IndexFile {
  version: 1;
  entries: Record<string, IndexEntry>;
}

const VERSION = 1;
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
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as IndexFile;
        if (parsed.version === VERSION && parsed.entries && typeof parsed.entries === 'object') {
          return new MigrationIndex(dir, parsed.entries);
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

  checksum(name: string, exportName: string): string | undefined {
    return this.entries[name]?.checksums?.[exportName];
  }

  /** Stores a checksum; the index is written once, when the process exits, not once per migration. */
  storeChecksum(name: string, exportName: string, checksum: string): void {
    const entry = this.entries[name];
    if (!entry) return;
    entry.checksums = { ...entry.checksums, [exportName]: checksum };
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
