import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { MigrationRuntime } from '../adapter/runtime/migration-runtime';
import type { MigrationFile } from '../adapter/files/migration-file';
import { judgeStatements } from '../adapter/sql-rules';
import { loadSqlParser } from '../adapter/sql-annotations';
import { withLevel, type CheckLevel, type Finding } from '../core/safety';
import { RESOLVED_MIGRATIONS_OPTIONS } from './migrations.constants';
import type { ResolvedMigrationsOptions } from './migrations-options';
import { MigrationSafetyCheck, type SafetyCheck, type SafetyCheckOptions } from './safety-check.decorator';

/**
 * Judges migrations before they run: the built-in rules on the SQL each migration's `up` issues, parsed by
 * PostgreSQL's own parser, and every `@MigrationSafetyCheck()` provider the app declares.
 */
@Injectable()
export class SafetyChecksService {
  constructor(
    @Inject(RESOLVED_MIGRATIONS_OPTIONS) private readonly options: ResolvedMigrationsOptions,
    private readonly runtime: MigrationRuntime,
    private readonly discovery: DiscoveryService,
  ) {}

  async judge(migrations: readonly MigrationFile[]): Promise<Finding[]> {
    await loadSqlParser();
    const custom = this.customChecks();
    const findings: Finding[] = [];
    for (const migration of migrations) {
      const statements = (await this.runtime.preview(migration, 'up')).map((statement) => statement.sql);
      const allowDestructive = migration.info?.allowDestructive === true;
      const hits = judgeStatements(statements);
      const id = migration.revision.id;
      findings.push(
        ...withLevel('destructive', allowDestructive ? 'off' : this.options.checks.destructive, id, hits.filter((h) => h.rule === 'destructive')),
        ...withLevel('lock-heavy', this.options.checks.lockHeavy, id, hits.filter((h) => h.rule === 'lock-heavy')),
      );
      const context = { revision: migration.revision, statements, allowDestructive, environment: process.env.NODE_ENV };
      for (const { name, level, check } of custom) {
        findings.push(...withLevel(name, level, id, await check.check(context)));
      }
    }
    return findings;
  }

  private customChecks(): { name: string; level: CheckLevel; check: SafetyCheck }[] {
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
