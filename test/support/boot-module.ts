/**
 * In-process run-on-boot: an app module like a user's (TypeORM on a test database, MigrationsModule with any
 * options, extra providers such as `@MigrationSafetyCheck()` classes), booted as an application context
 * with Nest's log lines captured. `testAppModule` in in-process.ts takes only entities; this one also takes
 * providers and the full module options.
 */
import { Injectable, Module, type INestApplicationContext, type LoggerService, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BootMigrator, MigrationsModule, type BootState, type MigrationsModuleOptions } from 'nest-migrations';

export interface BootModuleOptions {
  url: string;
  /** Folder of compiled migrations (also the source folder: nothing is generated here). */
  migrationsDir: string;
  providers?: Provider[];
  migrations?: Partial<MigrationsModuleOptions>;
}

/** Data sources opened by booted modules: a boot that fails in `onModuleInit` returns no app to close. */
const openDataSources = new Set<DataSource>();

@Injectable()
class DataSourceTracker {
  constructor(@InjectDataSource() dataSource: DataSource) {
    openDataSources.add(dataSource);
  }
}

export function bootTestModule(options: BootModuleOptions): Type<unknown> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: options.url, entities: [], retryAttempts: 0, logging: false }),
      MigrationsModule.forRoot({
        migrationsDir: options.migrationsDir,
        compiledMigrationsDir: options.migrationsDir,
        sourceRoot: options.migrationsDir,
        ...options.migrations,
      }),
    ],
    providers: [...(options.providers ?? []), DataSourceTracker],
  })
  class BootTestModule {}
  return BootTestModule;
}

export interface LogEntry {
  level: 'log' | 'warn' | 'error' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context?: string;
}

/** Keeps what Nest's logger is given; the context is the last string argument, as `Logger` passes it. */
export class CaptureLogger implements LoggerService {
  readonly entries: LogEntry[] = [];
  log = (message: unknown, ...rest: unknown[]) => this.add('log', message, rest);
  warn = (message: unknown, ...rest: unknown[]) => this.add('warn', message, rest);
  error = (message: unknown, ...rest: unknown[]) => this.add('error', message, rest);
  debug = (message: unknown, ...rest: unknown[]) => this.add('debug', message, rest);
  verbose = (message: unknown, ...rest: unknown[]) => this.add('verbose', message, rest);
  fatal = (message: unknown, ...rest: unknown[]) => this.add('fatal', message, rest);

  /** Messages of one context (default: the migrations module's) at one level. */
  lines(level: LogEntry['level'], context = 'Migrations'): string[] {
    return this.entries.filter((e) => e.level === level && e.context === context).map((e) => e.message);
  }

  private add(level: LogEntry['level'], message: unknown, rest: unknown[]): void {
    const last = rest[rest.length - 1];
    this.entries.push({ level, message: String(message), context: typeof last === 'string' ? last : undefined });
  }
}

export interface InProcessBoot {
  /** The booted context, when the boot did not throw. */
  app?: INestApplicationContext;
  /** What the boot threw (onFailure: 'exit'). */
  error?: unknown;
  /** The boot hook's state, when the app booted. */
  state?: BootState;
  logs: CaptureLogger;
  /** Closes the app, or the data source a failed boot left open. Idempotent. */
  close(): Promise<void>;
}

/**
 * Boots `module` as `node dist/main.js` would in serve mode (run-on-boot included), without HTTP. Always
 * `close()` the result.
 */
export async function bootInProcess(module: Type<unknown>): Promise<InProcessBoot> {
  // runInProcess (runCommand) marks this Jest file's process as a CLI run, which skips the boot hook.
  delete process.env.NEST_MIGRATIONS_CLI;
  const logs = new CaptureLogger();
  const release = async () => {
    for (const dataSource of openDataSources) if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    openDataSources.clear();
  };
  try {
    const app = await NestFactory.createApplicationContext(module, { logger: logs, abortOnError: false });
    let closed = false;
    return {
      app,
      state: { ...app.get(BootMigrator).state },
      logs,
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    return { error, logs, close: async () => undefined };
  }
}
