import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { MigrationFile } from '../files/migration-file';
import { cloneDatabase, createDatabase, databaseExists, databasesLike, dropDatabase, dropIfUnused, sealTemplate } from './admin';
import { buildName, templateKey, templateName, templatePattern } from './names';
import { guardShadow } from './claims';

/** What building a template did, for the `shadow` event and the log. */
export interface TemplateBuild {
  template: string;
  /** The temporary name it was built under, before it was sealed. */
  build: string;
  /** The older template it started from (the longest cached prefix of the history), if any. */
  from?: string;
  /** How many migrations were replayed on top of it. */
  replayed: number;
  /** The older templates of the database being dropped (a DROP DATABASE waits for a checkpoint): await it before exiting. */
  dropping: Promise<void>;
}

export interface TemplateRequest {
  stem: string;
  /** `keys[i]`: the history key after the first `i` migrations (see `historyKeys`). */
  keys: readonly string[];
  migrations: readonly MigrationFile[];
  /** Replays migrations on the named database (connects, runs their `up`, disconnects). */
  replay(database: string, migrations: readonly MigrationFile[]): Promise<void>;
  /** Called once the build database exists, before the replay starts. */
  onBuilding?(build: Omit<TemplateBuild, 'dropping'>): void;
}

/**
 * Makes sure the template of the whole history exists, building it when it does not: under a temporary name,
 * starting from the template of the longest prefix of the history that is cached (a clone), replaying the
 * remaining migrations, then sealed under its final name. One builder per template at a time: a session-level
 * advisory lock on the template's name, held on one connection for the build; a second run waits, then finds
 * it built. Older templates of the same database are dropped once the new one is sealed. Returns what was
 * built, or `undefined` when another run had built it.
 */
export async function ensureTemplate(main: DataSource, request: TemplateRequest): Promise<TemplateBuild | undefined> {
  const { stem, keys, migrations } = request;
  const template = templateName(stem, keys[migrations.length]);
  const runner = main.createQueryRunner();
  await runner.connect();
  const [a, b] = lockKey(template);
  try {
    await runner.query('SELECT pg_advisory_lock($1, $2)', [a, b]);
    if (await databaseExists(main, template)) return undefined;
    const existing = await databasesLike(main, templatePattern(stem));
    const cached = new Map(existing.map((name) => [templateKey(stem, name), name]));
    let start = 0;
    for (let i = migrations.length - 1; i > 0 && !start; i--) if (cached.has(keys[i])) start = i;
    const build = buildName(stem);
    const release = await guardShadow(main, build);
    let from = start ? cached.get(keys[start]) : undefined;
    try {
      if (!from || (await cloneDatabase(main, from, build)) !== 'cloned') {
        from = undefined;
        start = 0;
        await createDatabase(main, build);
      }
      request.onBuilding?.({ template, build, from, replayed: migrations.length - start });
      await request.replay(build, migrations.slice(start));
      if (!(await sealTemplate(main, build, template))) await dropDatabase(main, build);
    } catch (error) {
      await dropDatabase(main, build);
      throw error;
    } finally {
      release();
    }
    const dropping = (async () => {
      for (const old of existing) if (old !== template) await dropIfUnused(main, old);
    })();
    return { template, build, from, replayed: migrations.length - start, dropping };
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1, $2)', [a, b]).catch(() => undefined);
    await runner.release();
  }
}

/** Drops every template of `stem` (the cache of one app database); returns their names. */
export async function clearTemplates(main: DataSource, stem: string): Promise<string[]> {
  const names = await databasesLike(main, templatePattern(stem));
  for (const name of names) await dropDatabase(main, name);
  return names;
}

/** Two int4 for the advisory lock of one template, from a SHA-256 of its name (apart from the migration lock's). */
function lockKey(template: string): [number, number] {
  const digest = createHash('sha256').update(`nest-migrations:shadow-template:${template}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}
