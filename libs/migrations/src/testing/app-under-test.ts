import type { DynamicModule, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { DataSource } from 'typeorm';
import { MigrationGenerator } from '../nest/migration-generator.service';
import { RESOLVED_MIGRATIONS_OPTIONS } from '../nest/migrations.constants';
import type { ResolvedMigrationsOptions } from '../nest/migrations-options';
import { MigrationsService } from '../nest/migrations.service';

/** A module as `imports: [...]` takes it: a class, or what `SomeModule.forRoot()` returns. */
export type ModuleImport = Type<unknown> | DynamicModule;

/**
 * How the kit builds your app on a database of its own. Give exactly one of `module` and `moduleFactory`.
 */
export interface AppModuleSource {
  /**
   * Your root module (e.g. `AppModule`), or any module that imports `TypeOrmModule` and `MigrationsModule`.
   * Its TypeORM options must read the database URL from the environment variable named by `env`
   * (`DATABASE_URL` by default), at the time the module is compiled (e.g. in a `useFactory`).
   */
  module?: ModuleImport;
  /** Alternative to `module`: builds the module for a database URL. `env` is then left alone. */
  moduleFactory?: (url: string) => ModuleImport;
  /**
   * The environment variable your TypeORM options read the URL from, set while the kit compiles `module`.
   * Default: `DATABASE_URL`. Ignored with `moduleFactory`.
   */
  env?: string;
}

/** The user's module compiled on one database, and the migration services it provides. */
export interface AppUnderTest {
  readonly moduleRef: TestingModule;
  readonly migrations: MigrationsService;
  readonly generator: MigrationGenerator;
  readonly options: ResolvedMigrationsOptions;
  readonly dataSource: DataSource;
  /** Closes the module (and so its connections). Idempotent. */
  close(): Promise<void>;
}

export function checkSource(source: AppModuleSource): void {
  if (!!source.module === !!source.moduleFactory) {
    throw new TypeError('Give exactly one of `module` (your root module, which reads DATABASE_URL) and `moduleFactory` (url => module).');
  }
}

export function envName(source: AppModuleSource): string {
  return source.env ?? 'DATABASE_URL';
}

/** A stable name for the module, part of a template's description (to find it again without compiling). */
export function moduleKey(source: AppModuleSource): string {
  if (source.moduleFactory) return `factory:${source.moduleFactory.name || 'anonymous'}`;
  const module = source.module as ModuleImport;
  const type = 'module' in module ? module.module : module;
  return `module:${type.name}`;
}

/** Compiles the module with `url` as its database (through `env` or the factory); lifecycle hooks do not run. */
export async function compileApp(source: AppModuleSource, url: string): Promise<AppUnderTest> {
  checkSource(source);
  let module: ModuleImport;
  let restore = () => undefined as void;
  if (source.moduleFactory) {
    module = source.moduleFactory(url);
  } else {
    module = source.module as ModuleImport;
    const name = envName(source);
    const previous = process.env[name];
    process.env[name] = url;
    restore = () => {
      if (previous === undefined) delete process.env[name];
      else process.env[name] = previous;
    };
  }
  let moduleRef: TestingModule;
  try {
    moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  } finally {
    restore();
  }
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= moduleRef.close().catch(() => undefined));
  try {
    const migrations = moduleRef.get(MigrationsService, { strict: false });
    return {
      moduleRef,
      migrations,
      generator: moduleRef.get(MigrationGenerator, { strict: false }),
      options: moduleRef.get<ResolvedMigrationsOptions>(RESOLVED_MIGRATIONS_OPTIONS, { strict: false }),
      dataSource: migrations.dataSource,
      close,
    };
  } catch (error) {
    await close();
    throw new Error(
      `The module under test does not provide MigrationsService: import MigrationsModule.forRoot(...) in it ` +
        `(${error instanceof Error ? error.message : String(error)})`,
    );
  }
}
