import { buildStep } from '../adapter/files/folder';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { scanEntityDeclarations, type DeclaredEntity } from '../adapter/entity-scan';
import { writeMigrationFile } from '../adapter/files/migration-file-writer';
import { newRevisionId } from '../adapter/files/revision-id';
import { SchemaDiffer, type DiffStatement } from '../adapter/schema-diff';
import { openShadow, type ShadowCacheStatus, type ShadowProgress } from '../adapter/shadow-database';
import { describeStatement, loadSqlParser } from '../adapter/sql-annotations';
import { MultipleHeadsError, NotUpToDateError, UnregisteredEntitiesError, UsageError } from '../core/errors';
import { migrationFileName, renderMigration, type TemplateStatement } from '../core/migration-template';
import { describeRename, findRenameCandidates, sameRename, type Rename } from '../core/rename-candidates';
import { resolveRevision } from '../core/resolve-revision';
import { howToAllow } from '../core/lint/allow';
import { blocking, type Finding } from '../core/safety';
import { className, slugify, validateMessage } from '../core/slug';
import { MigrationEventBus } from './migration-event-bus.service';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';
import { MigrationsService } from './migrations.service';
import { SafetyChecksService } from './safety-checks.service';

export interface GenerateOptions {
  message: string;
  /** Write a blank migration (for data migrations) without diffing. */
  empty?: boolean;
  /** Renames to generate instead of drop + add (`--rename`). */
  renames?: Rename[];
  /** Asks whether a rename candidate is a rename; absent when there is no one to ask (no TTY). */
  confirm?: (rename: Rename) => Promise<boolean>;
  /** Generate even though some entity files are not registered. */
  allowUnregistered?: boolean;
}

export interface GenerateReport {
  /** Absolute path of the written file; absent when there was nothing to write. */
  file?: string;
  id?: string;
  statements: number;
  destructive: number;
  /** Rename candidates that were generated as drop + add. */
  unresolvedRenames: Rename[];
  renames: Rename[];
  /** What the configured safety checks will refuse in the written file, and how to allow each (also commented in the file). */
  refused: { finding: Finding; allow: string }[];
}

/** What `db check` found. Stable shape: it is also the `--json` output. */
export interface CheckReport {
  inSync: boolean;
  /** Statements a migration would need for the migrations to match the entities. */
  differences: string[];
  unregistered: DeclaredEntity[];
  shadow: 'server' | 'pglite';
  /** Whether the shadow came from the cached template (`hit`), after building it (`miss`), or without it (`off`). */
  shadowCache: ShadowCacheStatus;
  /** Migrations replayed to make the shadow (0 on a cache hit). */
  replayed: number;
}

interface Diffed {
  up: DiffStatement[];
  down: DiffStatement[];
  unresolved: Rename[];
  renames: Rename[];
  shadow: 'server' | 'pglite';
  shadowCache: ShadowCacheStatus;
  replayed: number;
}

const NOT_DIFFED = { up: [], down: [], unresolved: [], renames: [], shadow: 'pglite', shadowCache: 'off', replayed: 0 } as const;

/**
 * Autogenerate and drift check. Both diff the registered entities against the schema the migration history
 * produces, replayed on a shadow database, never against the developer's own database.
 */
@Injectable()
export class MigrationGenerator {
  private readonly logger = new Logger('Migrations');

  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly migrations: MigrationsService,
    private readonly safety: SafetyChecksService,
    private readonly events: MigrationEventBus,
  ) {}

  /** `db migrate -m MSG`. */
  async generate(input: GenerateOptions): Promise<GenerateReport> {
    const message = validateMessage(input.message);
    const parents = await this.parentsForNewRevision();
    if (input.empty) return this.write(message, parents, { ...NOT_DIFFED, up: [], down: [], unresolved: [], renames: [] });
    const unregistered = this.unregistered();
    if (unregistered.length && !input.allowUnregistered) throw new UnregisteredEntitiesError(unregistered);
    const diffed = await this.diff(input.renames ?? [], input.confirm);
    if (!diffed.up.length) return { statements: 0, destructive: 0, unresolvedRenames: [], renames: [], refused: [] };
    return this.write(message, parents, diffed);
  }

  /** `db check`: do the entities match the migrations, and is every entity file registered? */
  async check(): Promise<CheckReport> {
    const unregistered = this.unregistered();
    const diffed = await this.diff([], undefined);
    const differences = diffed.up.map((statement) => statement.sql);
    return {
      inSync: !differences.length && !unregistered.length,
      differences,
      unregistered,
      shadow: diffed.shadow,
      shadowCache: diffed.shadowCache,
      replayed: diffed.replayed,
    };
  }

  /** How a file written to the migrations folder reaches `db migrate`: loaded as is, or through the app's build. */
  /** The folder new migrations are written to. */
  get migrationsDir(): string {
    return this.options.migrationsDir;
  }

  buildStep(): ReturnType<typeof buildStep> {
    return buildStep(this.options.migrationsDir, this.options.compiledMigrationsDir);
  }

  /** `db merge`: a revision whose parents are the given revisions (default: every head). */
  async merge(messageInput: string | undefined, specs: readonly string[]): Promise<{ file: string; id: string; parents: string[] }> {
    const { graph } = this.migrations.files();
    const parents = specs.length ? [...new Set(specs.map((spec) => resolveRevision(graph, spec)))] : [...graph.heads()];
    if (parents.length < 2) {
      throw new UsageError(
        specs.length ? 'A merge needs at least two different revisions' : `Nothing to merge: there is ${graph.heads().length} head`,
        'List the heads with `db heads`.',
      );
    }
    for (const id of parents) {
      const covered = parents.find((other) => other !== id && graph.ancestors(other).has(id));
      if (covered) throw new UsageError(`Revision ${id} is already an ancestor of ${covered}: nothing to merge`);
    }
    const message = validateMessage(messageInput ?? `Merge ${parents.join(', ')}`);
    const report = await this.write(message, parents, { ...NOT_DIFFED, up: [], down: [], unresolved: [], renames: [] });
    return { file: report.file as string, id: report.id as string, parents };
  }

  private async parentsForNewRevision(): Promise<string[]> {
    const { graph } = this.migrations.files();
    const heads = graph.heads();
    if (heads.length > 1) throw new MultipleHeadsError(heads, 'generate a migration');
    const status = await this.migrations.status();
    if (!status.atHead) throw new NotUpToDateError(status.pending.length, status.unknown);
    return [...heads];
  }

  private unregistered(): DeclaredEntity[] {
    const known = new Set(
      this.migrations.dataSource.entityMetadatas.map((metadata) => metadata.target).filter((t) => typeof t === 'function').map((t) => (t as { name: string }).name),
    );
    return scanEntityDeclarations(this.options.sourceRoot).filter((declared) => !known.has(declared.className));
  }

  private async diff(requested: readonly Rename[], confirm: GenerateOptions['confirm']): Promise<Diffed> {
    const files = this.migrations.files();
    const main = this.migrations.dataSource;
    const shadowOptions = {
      history: files.graph.all().map((rev) => files.get(rev.id)),
      cache: this.options.shadowCache,
      onProgress: (progress: ShadowProgress) => this.progress(progress),
    };
    const shadow = await openShadow(main, shadowOptions);
    try {
      const keep = [this.options.ledgerTable, ...(this.options.typeormMigrationsTable ? [this.options.typeormMigrationsTable] : [])];
      const differ = new SchemaDiffer(shadow.dataSource, keep);
      const { before, after } = await differ.shapes();
      const candidates = findRenameCandidates(before, after);
      for (const rename of requested) {
        if (!candidates.some((candidate) => sameRename(candidate, rename))) {
          throw new UsageError(
            `--rename ${describeRename(rename)} does not match a rename candidate`,
            candidates.length
              ? `Candidates: ${candidates.map(describeRename).join('; ')}.`
              : 'No column or table disappears while another of the same type appears.',
          );
        }
      }
      const renames = [...requested];
      for (const candidate of candidates) {
        if (renames.some((chosen) => sameRename(chosen, candidate) || overlaps(chosen, candidate))) continue;
        if (confirm && (await confirm(candidate))) renames.push(candidate);
      }
      // Renames run on the shadow: the shared template must not see them, so they get a clone of it.
      const clone = renames.length && shadow.onTemplate ? await openShadow(main, { ...shadowOptions, writable: true }) : undefined;
      const target = clone ? new SchemaDiffer(clone.dataSource, keep) : differ;
      let renamed: { up: DiffStatement[]; down: DiffStatement[] };
      let changes: { up: DiffStatement[]; down: DiffStatement[] };
      try {
        renamed = renames.length ? await target.applyRenames(renames) : { up: [], down: [] };
        changes = await target.diff();
      } finally {
        await clone?.dispose();
      }
      const unresolved = candidates.filter((candidate) => !renames.some((chosen) => sameRename(chosen, candidate) || overlaps(chosen, candidate)));
      return {
        up: [...renamed.up, ...changes.up],
        down: [...changes.down, ...renamed.down],
        unresolved,
        renames,
        shadow: shadow.kind,
        shadowCache: shadow.cache,
        replayed: shadow.replayed,
      };
    } finally {
      await shadow.dispose();
    }
  }

  /** The shadow's progress: an event, and a log line (shown with `--verbose`). */
  private progress(progress: ShadowProgress): void {
    if (progress.phase === 'building') {
      const what = progress.template ? `template ${progress.template} in ${progress.database}${progress.from ? ` from ${progress.from}` : ''}` : progress.database;
      this.logger.log(`Shadow: building ${what}, replaying ${progress.replaying} migration(s)`);
    } else {
      const what = progress.kind === 'pglite' ? 'in-memory PGlite' : progress.database;
      const how = progress.cache === 'off' ? 'no cache' : progress.database === progress.template ? `the template itself` : `cloned from ${progress.template}`;
      this.logger.log(`Shadow: ${what} ready (cache ${progress.cache}: ${how}, ${progress.replayed} migration(s) replayed)${progress.note ? `; ${progress.note}` : ''}`);
    }
    this.events.emit({ type: 'shadow', ...progress });
  }

  private async write(message: string, parents: string[], diffed: Diffed): Promise<GenerateReport> {
    await loadSqlParser();
    const { graph } = this.migrations.files();
    const id = newRevisionId(new Set(graph.ids()));
    const createdAt = new Date();
    const annotated = annotate(diffed.up, diffed.unresolved);
    const refused = diffed.up.length ? await this.refused(id, parents, message, createdAt, annotated) : [];
    const up = annotated.map((statement) => withRefusals(statement, refused));
    const down = annotate(diffed.down, []);
    const source = renderMigration({
      id,
      parents,
      message,
      createdAt,
      className: className(message, createdAt.getTime()),
      up,
      down,
      importFrom: this.options.revisionTypeImport,
    });
    const file = writeMigrationFile(this.options.migrationsDir, migrationFileName(createdAt, id, slugify(message)), source);
    const destructive = up.filter((statement) => statement.comment?.includes('DESTRUCTIVE')).length;
    return { file, id, statements: diffed.up.length, destructive, unresolvedRenames: diffed.unresolved, renames: diffed.renames, refused };
  }

  /** What the boot hook's checks (and `db lint`) will block in the new migration, before it is written. */
  private async refused(id: string, parents: string[], message: string, createdAt: Date, up: TemplateStatement[]): Promise<GenerateReport['refused']> {
    const findings = await this.safety.judgeNew({ id, parents, message, createdAt }, up.map((statement) => statement.sql));
    return blocking(findings).map((finding) => ({
      finding,
      allow: finding.check === 'destructive' ? `${howToAllow(finding)}, or pass --allow-destructive to \`db migrate\`` : howToAllow(finding),
    }));
  }
}

/** Comments, above a statement, each refusal it will meet and how to allow it. */
function withRefusals(statement: TemplateStatement, refused: GenerateReport['refused']): TemplateStatement {
  const notes = refused
    .filter(({ finding }) => finding.statement === statement.sql)
    .map(({ finding, allow }) => `REFUSED by the safety checks (${finding.rule ?? finding.check}): ${finding.message}. To apply it once reviewed: ${allow}.`);
  if (!notes.length) return statement;
  return { ...statement, comment: [statement.comment, ...notes].filter(Boolean).join('\n') };
}

/** Two renames touching the same column or table: choosing one settles the other. */
function overlaps(a: Rename, b: Rename): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'column' && b.kind === 'column' && a.table !== b.table) return false;
  return a.from === b.from || a.to === b.to;
}

function annotate(statements: DiffStatement[], unresolved: readonly Rename[]): TemplateStatement[] {
  return statements.map((statement) => {
    const notes = describeStatement(statement.sql).map((note) => note.text);
    for (const rename of unresolved) {
      const dropped = rename.kind === 'column' ? `drops column ${rename.table}.${rename.from} ` : `drops table ${rename.from} `;
      if (notes.some((note) => note.includes(dropped))) {
        notes.push(`WARNING: looks like a rename (${describeRename(rename)}); this drop loses the data. To keep it, ` +
          `delete this file and run again with --rename ${renameFlag(rename)}`);
      }
    }
    return { sql: statement.sql, ...(statement.params ? { params: statement.params } : {}), ...(notes.length ? { comment: notes.join('\n') } : {}) };
  });
}

export function renameFlag(rename: Rename): string {
  return rename.kind === 'column' ? `${rename.table}.${rename.from}:${rename.to}` : `${rename.from}:${rename.to}`;
}
