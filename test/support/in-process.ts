import { Module, type Provider, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MigrationsModule, runCommand, type MigrationsModuleOptions } from 'nest-migrations';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityClass = Function;

export interface TestAppOptions {
  url: string;
  entities: EntityClass[];
  /** Folder of the app's migrations (generated files land here; .ts loads under Jest). */
  migrationsDir: string;
  migrations?: Partial<MigrationsModuleOptions>;
  /** Extra providers, e.g. `@Seeder()` or `@MigrationSafetyCheck()` classes. */
  providers?: Provider[];
}

/** An app module like a user's: TypeORM on the given database and entities, plus MigrationsModule. */
export function testAppModule(options: TestAppOptions): Type<unknown> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: options.url, entities: options.entities, retryAttempts: 0, logging: false }),
      MigrationsModule.forRoot({
        migrationsDir: options.migrationsDir,
        compiledMigrationsDir: options.migrationsDir,
        sourceRoot: options.migrationsDir,
        ...options.migrations,
      }),
    ],
    providers: options.providers ?? [],
  })
  class TestAppModule {}
  return TestAppModule;
}

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `db ...` in this process, as `node dist/main.js db ...` would, capturing what it prints. */
export async function runInProcess(module: Type<unknown>, args: string[]): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runCommand(module, args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
