import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { OperationFailedError, UsageError } from '../../core/errors';
import type { Revision } from '../../core/revision';
import { type ExportDescriptor, MigrationIndex } from './metadata-index';
import type { MigrationFile, MigrationClass, RevisionInfo } from './migration-file';

const REVISION_ID = /^[0-9a-f]{12}$/;
/** `YYYYMMDD_HHMM_<id>_<slug>`: the id in a file name must be the id inside it (the boot fast path trusts it). */
const FILE_NAME_ID = /^\d{8}_\d{4}_([0-9a-f]{12})(?:_|\.)/;
const TYPEORM_NAME = /^(.*?)(\d{13})$/;
const LOADABLE = new Set(['.js', '.cjs', '.mjs', '.ts']);

/**
 * Loads every migration from a folder of compiled (or, under a TypeScript-aware runtime such as Jest,
 * source) files. Files in our format carry `static revision`; plain TypeORM migrations (`Name1700000000000`)
 * become a linear chain ordered by their timestamp, placed before our revisions. Metadata comes from the
 * migration index when a file is unchanged; a migration's code is loaded only when it is used.
 */
export function scanMigrationFolder(dir: string): MigrationFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const names = pickFiles(readdirSync(dir));
  const index = MigrationIndex.open(dir);
  const ours: MigrationFile[] = [];
  const legacy: { file: string; descriptor: ExportDescriptor; timestamp: number; cache: ChecksumCache }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const { size, mtimeMs } = statSync(file);
    let descriptors = index.lookup(name, size, mtimeMs);
    if (!descriptors) {
      descriptors = describeExports(file);
      index.store(name, size, mtimeMs, descriptors);
    }
    const cache = checksumCache(index, name);
    for (const descriptor of descriptors) {
      if (descriptor.info) {
        ours.push(fromRevisionInfo(file, descriptor, descriptor.info, cache));
        continue;
      }
      const match = TYPEORM_NAME.exec(descriptor.name);
      if (!match) {
        throw new OperationFailedError(
          `Migration class ${descriptor.exportName} in ${basename(file)} has neither \`static revision\` nor a 13-digit timestamp at the end of its name`,
          'Add revision metadata (see docs/migration-files.md) or rename the class like TypeORM does (e.g. AddUsers1700000000000).',
          'invalid_migration',
        );
      }
      legacy.push({ file, descriptor, timestamp: Number(match[2]), cache });
    }
  }
  index.retain(new Set(names));
  index.save();
  return [...chainLegacy(legacy), ...ours];
}

function describeExports(file: string): ExportDescriptor[] {
  const described = migrationExports(file).map(([exportName, cls]) => ({
    exportName,
    name: instanceName(cls) ?? exportName,
    ...(cls.revision ? { info: { ...cls.revision } } : {}),
  }));
  forget(file);
  return described;
}

/**
 * Unloads a migration file: from the require cache and from this module's `children`, which would
 * otherwise keep every migration of a long run alive (measured: +50 MiB at 5000 migrations).
 */
function forget(file: string): void {
  const loaded = require.cache[file];
  delete require.cache[file];
  // The module that required it: this one, or — when this code runs from the fast-start bundle, whose inner
  // modules are plain objects — the bundle's own require's module.
  for (const parent of [(loaded as { parent?: NodeModule } | undefined)?.parent, module]) {
    const children = parent?.children;
    const index = children ? children.findIndex((child) => child.id === file) : -1;
    if (index >= 0) children!.splice(index, 1);
  }
}

/** The class behind a descriptor, required on first use and checked against what the index said. */
function lazyClass(file: string, descriptor: ExportDescriptor): { load: () => MigrationClass; release: () => void } {
  let cached: MigrationClass | undefined;
  const release = () => {
    cached = undefined;
    forget(file);
  };
  const load = () => {
    if (cached) return cached;
    const found = migrationExports(file).find(([exportName]) => exportName === descriptor.exportName)?.[1];
    if (!found || (found.revision?.id ?? undefined) !== descriptor.info?.id) {
      throw new OperationFailedError(
        `Migration ${basename(file)} changed while it was being used (export ${descriptor.exportName})`,
        'Run the command again.',
        'invalid_migration',
      );
    }
    return (cached = found);
  };
  return { load, release };
}

/**
 * Revision ids read from the file names alone, without loading or even stat-ing the files; `undefined` when
 * a migration file is not named in our format (a plain TypeORM migration), so names cannot tell.
 */
export function revisionIdsFromFileNames(dir: string): string[] | undefined {
  if (!existsSync(dir)) return [];
  const ids: string[] = [];
  for (const name of pickFiles(readdirSync(dir))) {
    const id = FILE_NAME_ID.exec(name)?.[1];
    if (!id) return undefined;
    ids.push(id);
  }
  return ids;
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

type ChecksumCache = (exportName: string) => Pick<MigrationFile, 'cachedChecksum' | 'rememberChecksum'>;

function checksumCache(index: MigrationIndex, name: string): ChecksumCache {
  return (exportName) => ({
    cachedChecksum: (algorithm) => index.checksum(name, exportName, algorithm),
    rememberChecksum: (checksum) => index.storeChecksum(name, exportName, checksum),
  });
}

function fromRevisionInfo(file: string, descriptor: ExportDescriptor, info: RevisionInfo, cache: ChecksumCache): MigrationFile {
  if (typeof info.id !== 'string' || !REVISION_ID.test(info.id)) {
    throw new OperationFailedError(
      `Migration ${basename(file)} has an invalid revision id '${String(info.id)}' (want 12 lowercase hex characters)`,
      undefined,
      'invalid_migration',
    );
  }
  const named = FILE_NAME_ID.exec(basename(file))?.[1];
  if (named && named !== info.id) {
    throw new OperationFailedError(
      `Migration file ${basename(file)} is named for revision ${named} but declares id '${info.id}'`,
      'Rename the file or fix the id: the two must match.',
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
  return withLazyClass(
    { revision, file, className: descriptor.exportName, typeormName: descriptor.name, format: 'revision', info, ...cache(descriptor.exportName) },
    lazyClass(file, descriptor),
  );
}

function withLazyClass(
  base: Omit<MigrationFile, 'migrationClass' | 'release'>,
  lazy: { load: () => MigrationClass; release: () => void },
): MigrationFile {
  return Object.defineProperty({ ...base, release: lazy.release }, 'migrationClass', { get: lazy.load, enumerable: true }) as MigrationFile;
}

function chainLegacy(items: { file: string; descriptor: ExportDescriptor; timestamp: number; cache: ChecksumCache }[]): MigrationFile[] {
  items.sort((a, b) => a.timestamp - b.timestamp || a.descriptor.name.localeCompare(b.descriptor.name));
  let parent: string | undefined;
  return items.map(({ file, descriptor, timestamp, cache }) => {
    const name = descriptor.name;
    const revision: Revision = {
      id: name,
      parents: parent ? [parent] : [],
      message: humanize(name.slice(0, -13)),
      createdAt: new Date(timestamp),
    };
    parent = name;
    return withLazyClass({ revision, file, className: name, typeormName: name, format: 'typeorm', ...cache(descriptor.exportName) }, lazyClass(file, descriptor));
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
