import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../../core/errors';
import { RevisionGraph } from '../../core/revision-graph';
import { displayPath, migrationsFolder } from './folder';
import type { MigrationFile } from './migration-file';
import { revisionIdsFromFileNames, scanMigrationFolder } from './module-loader';

/** Where an app keeps its migrations. */
export interface MigrationsLocation {
  /** Folder of the migration sources (new migrations are written here). */
  migrationsDir: string;
  /** Folder the compiled migrations are loaded from; found from the app's configuration when absent. */
  compiledMigrationsDir?: string;
}

/**
 * The migration files on disk: the folder they load from, each file's revision metadata, and their revision
 * graph. Metadata comes from a cache beside the files; a migration's code is loaded only when it runs.
 */
export class MigrationFiles {
  readonly graph: RevisionGraph;
  private readonly byId: ReadonlyMap<string, MigrationFile>;
  private readonly idByTypeormName: ReadonlyMap<string, string>;

  private constructor(
    readonly all: readonly MigrationFile[],
    /** The folder they were loaded from. */
    readonly dir: string,
  ) {
    this.graph = RevisionGraph.build(all.map((file) => file.revision));
    this.byId = new Map(all.map((file) => [file.revision.id, file]));
    this.idByTypeormName = new Map(all.map((file) => [file.typeormName, file.revision.id]));
  }

  /** Reads the folder the location points at (the compiled twin of the sources). */
  static open(location: MigrationsLocation): MigrationFiles {
    assertFolder(location.migrationsDir, 'migrationsDir', 'MIGRATIONS_DIR');
    if (location.compiledMigrationsDir) assertFolder(location.compiledMigrationsDir, 'compiledMigrationsDir', 'MIGRATIONS_COMPILED_DIR', true);
    const dir = MigrationFiles.folder(location);
    const files = new MigrationFiles(scanMigrationFolder(dir), dir);
    files.location = location;
    return files;
  }

  private location?: MigrationsLocation;

  /**
   * Why there are no revisions, naming the folder: `migrations/ does not exist`, `migrations/ has no migration
   * files`. `undefined` when there are some.
   */
  emptyReason(): string | undefined {
    if (this.all.length) return undefined;
    const source = this.location?.migrationsDir ?? this.dir;
    const shown = (dir: string) => `${displayPath(dir)}/`;
    if (!existsSync(source)) return `${shown(source)} does not exist`;
    return this.dir === source ? `${shown(source)} has no migration files` : `${shown(this.dir)} (the compiled ${shown(source)}) has no migration files`;
  }

  /** The folder migrations load from, without reading it. */
  static folder(location: MigrationsLocation): string {
    return migrationsFolder(location.migrationsDir, location.compiledMigrationsDir);
  }

  /**
   * Revision ids from the file names alone (no file is read): what the boot hook's fast path compares with
   * the ledger. `undefined` when a file is not named in our format, so names cannot tell.
   */
  static idsFromNames(location: MigrationsLocation): string[] | undefined {
    return revisionIdsFromFileNames(MigrationFiles.folder(location));
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The file of a revision in the graph. */
  get(id: string): MigrationFile {
    const found = this.byId.get(id);
    if (!found) throw new Error(`internal: revision ${id} is in the graph but has no file`);
    return found;
  }

  /** The revision a row of TypeORM's own `migrations` table stands for (its `name`), if any file has it. */
  idForTypeormName(name: string): string | undefined {
    return this.idByTypeormName.get(name);
  }
}

/** A migrations folder option that names a file (or, when configured explicitly, nothing) is a mistake to name at once. */
function assertFolder(dir: string, option: string, variable: string, mustExist = false): void {
  const shown = displayPath(dir);
  if (!existsSync(dir)) {
    if (mustExist) throw new UsageError(`${option} '${shown}' does not exist`, `Build the app, or point ${option} (${variable} in the example app) at the compiled migrations.`);
    return;
  }
  if (!statSync(dir).isDirectory()) {
    throw new UsageError(`${option} '${shown}' is not a folder`, `Point ${option} (${variable} in the example app) at the folder of your migration files.`);
  }
}
