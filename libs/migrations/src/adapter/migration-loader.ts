import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { OperationFailedError, UsageError } from '../core/errors';
import type { Revision } from '../core/revision';
import type { LoadedMigration, MigrationClass, RevisionInfo } from './migration-source';

const REVISION_ID = /^[0-9a-f]{12}$/;
const TYPEORM_NAME = /^(.*?)(\d{13})$/;
const LOADABLE = new Set(['.js', '.cjs', '.ts']);

/**
 * Loads every migration class from a folder of compiled (or, under a TypeScript-aware runtime such as Jest,
 * source) files. Files in our format carry `static revision`; plain TypeORM migrations (`Name1700000000000`)
 * become a linear chain ordered by their timestamp, placed before our revisions.
 */
export function loadMigrations(dir: string): LoadedMigration[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const files = pickFiles(readdirSync(dir)).map((name) => join(dir, name));
  const ours: LoadedMigration[] = [];
  const legacy: { file: string; cls: MigrationClass; name: string; timestamp: number }[] = [];
  for (const file of files) {
    for (const [exportName, cls] of migrationExports(file)) {
      const info = cls.revision;
      if (info) {
        ours.push(fromRevisionInfo(file, exportName, cls, info));
        continue;
      }
      const name = instanceName(cls) ?? exportName;
      const match = TYPEORM_NAME.exec(name);
      if (!match) {
        throw new OperationFailedError(
          `Migration class ${exportName} in ${basename(file)} has neither \`static revision\` nor a 13-digit timestamp at the end of its name`,
          'Add revision metadata (see docs/migration-files.md) or rename the class like TypeORM does (e.g. AddUsers1700000000000).',
          'invalid_migration',
        );
      }
      legacy.push({ file, cls, name, timestamp: Number(match[2]) });
    }
  }
  return [...chainLegacy(legacy), ...ours];
}

/** Prefers compiled JavaScript when a folder holds both a `.ts` and its `.js`; ignores declarations and maps. */
function pickFiles(names: string[]): string[] {
  const byStem = new Map<string, string>();
  for (const name of names.sort()) {
    if (name.endsWith('.d.ts') || !LOADABLE.has(extname(name))) continue;
    const stem = name.slice(0, -extname(name).length);
    const seen = byStem.get(stem);
    if (!seen || extname(seen) === '.ts') byStem.set(stem, name);
  }
  return [...byStem.values()].sort();
}

function migrationExports(file: string): [string, MigrationClass][] {
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new OperationFailedError(
      `Cannot load migration ${basename(file)}: ${reason}`,
      extname(file) === '.ts'
        ? 'Migrations run compiled: build the project (`npm run build`) and point at the compiled folder.'
        : undefined,
      'invalid_migration',
    );
  }
  return Object.entries(mod).filter((entry): entry is [string, MigrationClass] => isMigrationClass(entry[1]));
}

function isMigrationClass(value: unknown): value is MigrationClass {
  if (typeof value !== 'function') return false;
  const proto = (value as { prototype?: Record<string, unknown> }).prototype;
  return !!proto && typeof proto.up === 'function' && typeof proto.down === 'function';
}

function instanceName(cls: MigrationClass): string | undefined {
  try {
    const name = new cls().name;
    return typeof name === 'string' && name ? name : undefined;
  } catch {
    return undefined;
  }
}

function fromRevisionInfo(file: string, className: string, cls: MigrationClass, info: RevisionInfo): LoadedMigration {
  if (typeof info.id !== 'string' || !REVISION_ID.test(info.id)) {
    throw new OperationFailedError(
      `Migration ${basename(file)} has an invalid revision id '${String(info.id)}' (want 12 lowercase hex characters)`,
      undefined,
      'invalid_migration',
    );
  }
  if (!Array.isArray(info.parents) || info.parents.some((p) => typeof p !== 'string')) {
    throw new OperationFailedError(`Migration ${basename(file)} must list its parents as an array of ids`, undefined, 'invalid_migration');
  }
  const createdAt = info.createdAt ? new Date(info.createdAt) : undefined;
  const revision: Revision = {
    id: info.id,
    parents: [...info.parents],
    message: info.message ?? '',
    createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : undefined,
  };
  return { revision, file, className, format: 'revision', migrationClass: cls, info };
}

function chainLegacy(items: { file: string; cls: MigrationClass; name: string; timestamp: number }[]): LoadedMigration[] {
  items.sort((a, b) => a.timestamp - b.timestamp || a.name.localeCompare(b.name));
  let parent: string | undefined;
  return items.map(({ file, cls, name, timestamp }) => {
    const revision: Revision = {
      id: name,
      parents: parent ? [parent] : [],
      message: humanize(name.slice(0, -13)),
      createdAt: new Date(timestamp),
    };
    parent = name;
    return { revision, file, className: name, format: 'typeorm' as const, migrationClass: cls };
  });
}

function humanize(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').trim();
}

/** Rejects a configured folder that cannot be read, with the path in the message. */
export function assertReadableDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`migrationsDir '${dir}' is not a folder`);
  }
}
