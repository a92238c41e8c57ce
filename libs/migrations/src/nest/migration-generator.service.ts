import { buildStep } from '../adapter/files/folder';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { scanEntityDeclarations, type DeclaredEntity } from '../adapter/entity-scan';
import { writeMigrationFile } from '../adapter/files/migration-file-writer';
import { newRevisionId } from '../adapter/files/revision-id';
import { SchemaDiffer, type DiffStatement, type SchemaDiff } from '../adapter/schema-diff';
import type { TypeConversion } from '../adapter/type-conversions';
import { unqualify } from '../adapter/sql-names';
import { openShadow, type ShadowCacheStatus, type ShadowDatabase, type ShadowProgress } from '../adapter/shadow-database';
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
import { SchemaDriftService, type DriftReport } from './schema-drift.service';

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
  /**
   * Columns whose type changed: `kept` ones are converted in place (`ALTER COLUMN ... TYPE`), the others have no
   * cast and were generated as drop + add, which loses their values (warned, and marked DESTRUCTIVE in the file).
   */
  typeChanges: { table: string; column: string; from: string; to: string; kept: boolean }[];
}

/** What `db check` found. Stable shape: it is also the `--json` output. */
export interface CheckReport {
  /** Entities, migrations and the live database agree, and every entity file is registered. */
  inSync: boolean;
  /** Statements a migration would need for the migrations to match the entities. */
  differences: string[];
  unregistered: DeclaredEntity[];
  shadow: 'server' | 'pglite';
  /** Whether the shadow came from the cached template (`hit`), after building it (`miss`), or without it (`off`). */
  shadowCache: ShadowCacheStatus;
  /** Migrations replayed to make the shadow (0 on a cache hit). */
  replayed: number;
  /** The live database against what its applied migrations build. */
  drift: DriftReport;
}

export interface CheckOptions {
  /** Compare the entities with the migrations only, not the live database (`--entities-only`). */
  entitiesOnly?: boolean;
}

interface Diffed {
  up: DiffStatement[];
  down: DiffStatement[];
  unresolved: Rename[];
  renames: Rename[];
  conversions: TypeConversion[];
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
    private readonly drift: SchemaDriftService,
    private readonly events: MigrationEventBus,
  ) {}

  /** `db migrate -m MSG`. */
  async generate(input: GenerateOptions): Promise<GenerateReport> {
    const message = validateMessage(input.message);
    const parents = await this.parentsForNewRevision();
    if (input.empty) return this.write(message, parents, { ...NOT_DIFFED, up: [], down: [], unresolved: [], renames: [], conversions: [] });
    const unregistered = this.unregistered();
    if (unregistered.length && !input.allowUnregistered) throw new UnregisteredEntitiesError(unregistered);
    const diffed = await this.diff(input.renames ?? [], input.confirm);
    if (!diffed.up.length) return { statements: 0, destructive: 0, unresolvedRenames: [], renames: [], refused: [], typeChanges: [] };
    return this.write(message, parents, diffed);
  }

  /**
   * `db check`: do the entities match the migrations, is every entity file registered, and (unless
   * `entitiesOnly`) is the live database what its applied migrations build?
   */
  async check(options: CheckOptions = {}): Promise<CheckReport> {
    const unregistered = this.unregistered();
    const state = options.entitiesOnly || !this.options.checkLiveDatabase ? undefined : await this.migrations.state();
    // When nothing is pending, the shadow replayed to head for the entities is also the live database's.
    let atHead: Parameters<SchemaDriftService['check']>[1];
    const onShadow =
      state && this.drift.headIsApplied(state)
        ? async (shadow: DataSource, kind: 'server' | 'pglite') => void (atHead = { catalog: await this.drift.readCatalog(shadow), kind })
        : undefined;
    const diffed = await this.diff([], undefined, onShadow);
    const differences = diffed.up.map((statement) => statement.sql);
    const drift: DriftReport = state ? await this.drift.check(state, atHead) : { checked: false, skipped: 'entities-only', differences: [] };
    const inSync = !differences.length && !unregistered.length && !drift.differences.length;
    return { inSync, differences, unregistered, shadow: diffed.shadow, shadowCache: diffed.shadowCache, replayed: diffed.replayed, drift };
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
    const report = await this.write(message, parents, { ...NOT_DIFFED, up: [], down: [], unresolved: [], renames: [], conversions: [] });
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

  /** `onShadow` sees the shadow once the migrations are replayed, before the entities are diffed on it. */
  private async diff(
    requested: readonly Rename[],
    confirm: GenerateOptions['confirm'],
    onShadow?: (shadow: DataSource, kind: 'server' | 'pglite') => Promise<void>,
  ): Promise<Diffed> {
    const files = this.migrations.files();
    const main = this.migrations.dataSource;
    const shadowOptions = {
      history: files.graph.all().map((rev) => files.get(rev.id)),
      cache: this.options.shadowCache,
      onProgress: (progress: ShadowProgress) => this.progress(progress),
    };
    const shadow = await openShadow(main, shadowOptions);
    let disposing: Promise<void> | undefined;
    const disposeShadow = () => (disposing ??= shadow.dispose());
    try {
      if (onShadow) await onShadow(shadow.dataSource, shadow.kind);
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
      // Renames run on the shadow: the shared template must not see them, so they get a clone of it. PostgreSQL
      // copies no database someone is connected to, this process included: leave the template first.
      let clone: ShadowDatabase | undefined;
      if (renames.length && shadow.onTemplate) {
        await disposeShadow();
        clone = await openShadow(main, { ...shadowOptions, writable: true });
      }
      const target = clone ? new SchemaDiffer(clone.dataSource, keep) : differ;
      let renamed: { up: DiffStatement[]; down: DiffStatement[] };
      let changes: SchemaDiff;
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
        conversions: changes.conversions ?? [],
        shadow: shadow.kind,
        shadowCache: shadow.cache,
        replayed: shadow.replayed,
      };
    } finally {
      await disposeShadow();
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

  private async write(message: string, parents: string[], given: Diffed): Promise<GenerateReport> {
    await loadSqlParser();
    // Tenant apps run each migration once per schema (search_path): no statement may name the shadow's schema.
    const local = (statements: DiffStatement[]) => statements.map((statement) => ({ ...statement, sql: unqualify(statement.sql, 'public') }));
    const diffed = this.options.tenants === undefined ? given : { ...given, up: local(given.up), down: local(given.down) };
    const { graph } = this.migrations.files();
    const id = newRevisionId(new Set(graph.ids()));
    const createdAt = new Date();
    const annotated = annotate(diffed.up, diffed.unresolved, diffed.conversions);
    const refused = diffed.up.length ? await this.refused(id, parents, message, createdAt, annotated) : [];
    const up = annotated.map((statement) => withRefusals(statement, refused));
    const down = annotate(diffed.down, [], []);
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
    const typeChanges = diffed.conversions.map(({ table, column, from, to, kept }) => ({ table, column, from, to, kept }));
    return { file, id, statements: diffed.up.length, destructive, unresolvedRenames: diffed.unresolved, renames: diffed.renames, refused, typeChanges };
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

function annotate(statements: DiffStatement[], unresolved: readonly Rename[], conversions: readonly TypeConversion[]): TemplateStatement[] {
  return statements.map((statement) => {
    const notes = typeChangeNotes(statement.sql, describeStatement(statement.sql).map((note) => note.text), conversions);
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

/**
 * Notes on type changes: a widening converted in place loses nothing, so it is not marked DESTRUCTIVE; a change
 * PostgreSQL cannot cast was generated as drop + add, and its DROP COLUMN says so.
 */
function typeChangeNotes(sql: string, notes: string[], conversions: readonly TypeConversion[]): string[] {
  for (const conversion of conversions) {
    const label = `${conversion.table}.${conversion.column}`;
    if (conversion.kept && conversion.sql === sql) {
      if (!conversion.widening) {
        notes.push(`TYPE CHANGE: ${label} from ${conversion.from} to ${conversion.to}, converted in place: ` +
          'values are kept, but may be rounded or reinterpreted, and one that does not fit makes the migration fail');
        continue;
      }
      const kept = notes.filter((note) => !note.startsWith('DESTRUCTIVE: changes the type of '));
      kept.push(`TYPE CHANGE: ${label} from ${conversion.from} to ${conversion.to}, converted in place; every value fits the new type`);
      return kept;
    }
    const bare = conversion.table.slice(conversion.table.lastIndexOf('.') + 1);
    const dropped = notes.some((note) => note.startsWith('DESTRUCTIVE: drops column ') && note.endsWith(`.${conversion.column} and its data`) && note.includes(bare));
    if (!conversion.kept && dropped) {
      notes.push(`WARNING: ${label} changes from ${conversion.from} to ${conversion.to}, which PostgreSQL cannot cast: generated as drop + add, ` +
        'so its values are lost. To keep them, write the conversion by hand (ALTER COLUMN ... TYPE ... USING <expression>)');
    }
  }
  return notes;
}
