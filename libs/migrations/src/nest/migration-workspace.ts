import { migrationsFolder } from '../adapter/compiled-migrations';
import { loadMigrations } from '../adapter/migration-loader';
import type { LoadedMigration } from '../adapter/migration-source';
import { RevisionGraph } from '../core/revision-graph';
import type { ResolvedMigrationsOptions } from './migrations-options';

/** The migrations on disk and their graph, loaded once per process. */
export class MigrationWorkspace {
  readonly graph: RevisionGraph;
  readonly byId: ReadonlyMap<string, LoadedMigration>;
  readonly compiledDir: string;

  private constructor(readonly migrations: LoadedMigration[], compiledDir: string) {
    this.compiledDir = compiledDir;
    this.graph = RevisionGraph.build(migrations.map((m) => m.revision));
    this.byId = new Map(migrations.map((m) => [m.revision.id, m]));
  }

  static load(options: ResolvedMigrationsOptions): MigrationWorkspace {
    const compiledDir = MigrationWorkspace.compiledDir(options);
    return new MigrationWorkspace(loadMigrations(compiledDir), compiledDir);
  }

  static compiledDir(options: ResolvedMigrationsOptions): string {
    return migrationsFolder(options.migrationsDir, options.compiledMigrationsDir);
  }

  migration(id: string): LoadedMigration {
    const found = this.byId.get(id);
    if (!found) throw new Error(`internal: revision ${id} is in the graph but has no migration`);
    return found;
  }
}
