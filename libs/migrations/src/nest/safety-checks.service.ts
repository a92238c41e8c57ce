import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { readCatalogFacts, type CatalogFacts } from '../adapter/lint/catalog-facts';
import { parseStatements } from '../adapter/lint/parse-statements';
import type { MigrationFile } from '../adapter/files/migration-file';
import { MigrationRuntime } from '../adapter/runtime/migration-runtime';
import { loadSqlParser } from '../adapter/sql-annotations';
import { levelsFrom } from '../core/lint/levels';
import { lintMigrations, type LintFinding } from '../core/lint/lint-engine';
import type { LintEnvironment, MigrationAccept, MigrationToLint } from '../core/lint/lint-model';
import { functionNames, relationNames } from '../core/lint/lookups';
import type { Revision } from '../core/revision';
import { withLevel, type CheckLevel, type Finding } from '../core/safety';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';
import { MigrationSafetyCheck, type SafetyCheck, type SafetyCheckOptions } from './safety-check.decorator';

/** How a run of migrations will be applied, as far as the checks care. */
export interface JudgeOptions {
  /** `lock_timeout` the runtime sets on the migrations' session, in ms; 0 for none. Default: `runOnBoot.lockTimeoutMs`. */
  lockTimeoutMs?: number;
  /** `statement_timeout` the runtime sets, in ms; 0 for none. Default: `runOnBoot.statementTimeoutMs`. */
  statementTimeoutMs?: number;
  /** Use the database's table sizes for severity. Default: true (false when the database is not the target). */
  sizes?: boolean;
}

/** What `db lint` reports: the findings, and whether the database could be asked about the tables. */
export interface LintReport {
  findings: Finding[];
  /** `read`: sizes and column types come from the database; `unavailable`: they could not be read (see `catalogError`). */
  catalog: 'read' | 'unavailable';
  catalogError?: string;
}

interface Prepared {
  migration: MigrationFile;
  statements: string[];
  lint: MigrationToLint;
}

/**
 * Judges migrations before they run: the built-in lint rules (core/lint, docs/lint-rules.md) on the SQL each
 * migration's `up` issues, parsed by PostgreSQL's own parser and weighed by the sizes of the tables in the
 * target database, and every `@MigrationSafetyCheck()` provider the app declares.
 */
@Injectable()
export class SafetyChecksService {
  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly runtime: MigrationRuntime,
    private readonly discovery: DiscoveryService,
  ) {}

  /** The findings for a run of migrations, in order (what an earlier one creates is new for the later ones). */
  async judge(migrations: readonly MigrationFile[], options: JudgeOptions = {}): Promise<Finding[]> {
    return (await this.lint(migrations, options)).findings;
  }

  async lint(migrations: readonly MigrationFile[], options: JudgeOptions = {}): Promise<LintReport> {
    await loadSqlParser();
    const prepared: Prepared[] = [];
    for (const migration of migrations) {
      const statements = (await this.runtime.preview(migration, 'up')).map((statement) => statement.sql);
      prepared.push({ migration, statements, lint: toLint(migration, statements) });
    }
    const { environment, catalogError } = await this.environment(prepared.map((p) => p.lint), options);
    const builtIn = lintMigrations(prepared.map((p) => p.lint), environment);
    const custom = this.customChecks();
    const findings: Finding[] = [];
    for (const { migration, statements, lint } of prepared) {
      findings.push(...builtIn.filter((finding) => finding.revision === lint.revision).map(toFinding));
      findings.push(...(await this.runCustom(custom, migration.revision, statements, lint.allowDestructive)));
    }
    return { findings, catalog: catalogError ? 'unavailable' : 'read', ...(catalogError ? { catalogError } : {}) };
  }

  /**
   * Statements about to be written as a new migration (`db migrate -m`), judged as the configured policy will
   * judge them. Table sizes are ignored: the development database is not the one the migration will meet.
   */
  async judgeNew(revision: Revision, statements: readonly string[]): Promise<Finding[]> {
    await loadSqlParser();
    const lint: MigrationToLint = { revision: revision.id, transactional: true, statements: parseStatements(statements), accept: [], allowDestructive: false };
    const { environment } = await this.environment([lint], { sizes: false });
    const findings = lintMigrations([lint], environment).map(toFinding);
    return [...findings, ...(await this.runCustom(this.customChecks(), revision, [...statements], false))];
  }

  private async environment(lints: readonly MigrationToLint[], options: JudgeOptions): Promise<{ environment: LintEnvironment; catalogError?: string }> {
    let facts: CatalogFacts | undefined;
    let catalogError: string | undefined;
    try {
      facts = await readCatalogFacts(await this.runtime.dataSource(), relationNames(lints), functionNames(lints));
    } catch (error) {
      catalogError = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    }
    const boot = this.options.runOnBoot;
    const environment: LintEnvironment = {
      ...(facts ? { relations: facts.relations, functionVolatility: facts.functionVolatility, timeZone: facts.timeZone, serverVersion: facts.serverVersion } : {}),
      sizes: options.sizes === false ? false : this.options.tableSizes,
      runtime: { lockTimeoutMs: options.lockTimeoutMs ?? boot.lockTimeoutMs, statementTimeoutMs: options.statementTimeoutMs ?? boot.statementTimeoutMs },
      levels: levelsFrom(this.options.checks),
    };
    return { environment, ...(catalogError ? { catalogError } : {}) };
  }

  private async runCustom(custom: CustomCheck[], revision: Revision, statements: string[], allowDestructive: boolean): Promise<Finding[]> {
    const context = { revision, statements, allowDestructive, environment: process.env.NODE_ENV };
    const findings: Finding[] = [];
    for (const { name, level, check } of custom) findings.push(...withLevel(name, level, revision.id, await check.check(context)));
    return findings;
  }

  private customChecks(): CustomCheck[] {
    return this.discovery
      .getProviders({ metadataKey: MigrationSafetyCheck.KEY })
      .filter((wrapper) => wrapper.instance && typeof (wrapper.instance as SafetyCheck).check === 'function')
      .map((wrapper) => {
        const meta = (this.discovery.getMetadataByDecorator(MigrationSafetyCheck, wrapper) ?? {}) as SafetyCheckOptions;
        const name = meta.name ?? (wrapper.metatype as { name?: string } | undefined)?.name ?? String(wrapper.name);
        return { name, level: this.options.checks[name] ?? meta.level ?? 'block', check: wrapper.instance as SafetyCheck };
      });
  }
}

interface CustomCheck {
  name: string;
  level: CheckLevel;
  check: SafetyCheck;
}

function toLint(migration: MigrationFile, statements: readonly string[]): MigrationToLint {
  const instance = new migration.migrationClass();
  const declared = migration.info?.accept;
  return {
    revision: migration.revision.id,
    transactional: instance.transaction !== false,
    statements: parseStatements(statements),
    // Malformed entries are kept: the engine reports them (invalid-accept) rather than dropping them silently.
    accept: Array.isArray(declared) ? (declared as MigrationAccept[]) : [],
    allowDestructive: migration.info?.allowDestructive === true,
  };
}

function toFinding(finding: LintFinding): Finding {
  return {
    check: finding.rule.group,
    rule: finding.rule.id,
    level: finding.level,
    revision: finding.revision,
    ...(finding.statement !== undefined ? { statement: finding.statement } : {}),
    message: finding.message,
    hint: finding.hint,
    ...(finding.table ? { table: finding.table } : {}),
    ...(finding.rows !== undefined ? { rows: finding.rows } : {}),
    ...(finding.bytes !== undefined ? { bytes: finding.bytes } : {}),
    ...(finding.accepted ? { accepted: true, reason: finding.accepted.reason } : {}),
  };
}
