import type { INestApplication, LoggerService, NestApplicationOptions, Type } from '@nestjs/common';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandFactory } from 'nest-commander';
import { CONNECTION_ERROR_CODES, connectionError } from '../adapter/driver-errors';
import { MigrationsError } from '../core/errors';
import { BootMigrationError } from '../nest/boot-migrator.service';
import { markCliMode } from '../nest/run-mode';
import { CliLogger } from './cli-logger';
import { reportError } from './error-report';

export interface RunAppOptions {
  /** Starts serving, e.g. `(app) => app.listen(3000)`. Called only when no command was given. */
  serve: (app: INestApplication) => Promise<unknown> | unknown;
  /** Options for `NestFactory.create` in serve mode. */
  appOptions?: NestApplicationOptions;
  /** Arguments to dispatch on; default `process.argv.slice(2)`. */
  argv?: string[];
  /** Name shown in command help. Default: `node dist/main.js`. */
  cliName?: string;
}

/**
 * One entry point for both modes. With a command in argv (`node dist/main.js db migrate`) it runs the command
 * and exits with its code, never listening and never running boot-time work; with none it creates the
 * app and calls `serve`.
 */
export async function runApp(rootModule: Type<unknown>, options: RunAppOptions): Promise<void> {
  const argv = options.argv ?? process.argv.slice(2);
  if (argv.length === 0) {
    try {
      const app = await NestFactory.create(rootModule, { ...options.appOptions, abortOnError: false });
      await options.serve(app);
    } catch (error) {
      // A failed boot migration (onFailure: exit) was logged by the hook; any other boot error gets one line.
      if (error instanceof BootMigrationError) process.exit(error.exitCode);
      process.exit(reportError(asUserError(error), false, (line) => process.stderr.write(`${line}\n`)) || 1);
    }
    return;
  }
  process.exit(await runCommand(rootModule, argv, options.cliName));
}

/**
 * The one line an existing `main.ts` needs: with `db ...` in argv it runs the command and exits the process
 * with its code; otherwise it returns at once and the app boots as before.
 *
 * @example
 * async function bootstrap() {
 *   await runCli(AppModule); // `node dist/main.js db migrate` stops here
 *   const app = await NestFactory.create(AppModule);
 *   await app.listen(3000);
 * }
 */
export async function runCli(rootModule: Type<unknown>, options: { argv?: string[]; cliName?: string } = {}): Promise<void> {
  const argv = options.argv ?? process.argv.slice(2);
  if (argv[0] !== 'db') return;
  process.exit(await runCommand(rootModule, argv, options.cliName));
}

/** Runs one CLI command in a Nest application context and returns the exit code. */
export async function runCommand(rootModule: Type<unknown>, argv: string[], cliName = 'node dist/main.js'): Promise<number> {
  markCliMode();
  const verbose = argv.includes('--verbose') || /\bnest-migrations\b|^\*$/.test(process.env.DEBUG ?? '');
  const args = argv.filter((arg) => arg !== '--verbose');
  const originalArgv = process.argv;
  const originalExitCode = process.exitCode;
  process.argv = [process.argv[0], process.argv[1] ?? cliName, ...args];
  process.exitCode = undefined;
  const restoreConsole = consoleToStderr();
  let failure: { error: unknown } | undefined;
  try {
    await CommandFactory.run(rootModule, {
      logger: cliLogger(verbose),
      cliName,
      abortOnError: false,
      // Errors thrown by a command (or by commander's exit hook) land here; they are reported once, below.
      serviceErrorHandler: (error: unknown) => {
        failure = { error };
      },
    } as Parameters<typeof CommandFactory.run>[1]);
    if (failure) throw failure.error;
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(asUserError(error), verbose, (line) => process.stderr.write(`${line}\n`));
  } finally {
    restoreConsole();
    process.argv = originalArgv;
    process.exitCode = originalExitCode;
  }
}

/**
 * A command's stdout is its output (`--json` must parse), so what the app or its libraries print with
 * `console.log`/`info`/`debug` while the command runs — TypeORM's query log when the app sets `logging: true`,
 * from the connection's first query on — goes to stderr. The command itself writes to process.stdout.
 */
function consoleToStderr(): () => void {
  const { log, info, debug } = console;
  console.log = console.info = console.debug = console.error;
  return () => Object.assign(console, { log, info, debug });
}

/** Connection failures surface from TypeORM at boot as raw driver errors; give them their one line. */
function asUserError(error: unknown): unknown {
  if (error instanceof MigrationsError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const e = error as { address?: string; port?: number; hostname?: string; message?: string };
  if (CONNECTION_ERROR_CODES.includes(code)) {
    const database = /database "([^"]+)" does not exist/.exec(e.message ?? '')?.[1];
    const user = /user "([^"]+)"/.exec(e.message ?? '')?.[1];
    const configured = configuredTarget();
    return connectionError(error, {
      host: e.hostname ?? e.address ?? configured.host,
      port: e.port ?? configured.port,
      database: database ?? configured.database,
      user: user ?? configured.user,
    });
  }
  return error;
}

/** Host, port, database and user of DATABASE_URL, for messages; never the password. */
function configuredTarget(): { host?: string; port?: number; database?: string; user?: string } {
  try {
    const url = new URL(process.env.DATABASE_URL ?? '');
    return {
      host: url.hostname || undefined,
      port: url.port ? Number(url.port) : undefined,
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
      user: decodeURIComponent(url.username) || undefined,
    };
  } catch {
    return {};
  }
}

/** In CLI mode, Nest's boot logs would bury the command's output: only warnings show, unless --verbose. */
function cliLogger(verbose: boolean): LoggerService {
  return verbose ? new ConsoleLogger() : new CliLogger();
}
