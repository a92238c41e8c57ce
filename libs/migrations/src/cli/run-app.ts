import type { INestApplication, LoggerService, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CommanderError } from 'commander';
import { CommandFactory } from 'nest-commander';
import { CONNECTION_ERROR_CODES, connectionError } from '../adapter/driver-errors';
import { MigrationsError } from '../core/errors';
import { BootMigrationError } from '../nest/boot-migrator.service';
import { markCliMode } from '../nest/run-mode';
import { BootLogger, CliLogger, VerboseCliLogger } from './cli-logger';
import { defaultCliName, startCliRun } from './cli-run';
import { dbCommandNames } from './commands/db.command';
import { commanderExit } from './db-command.base';
import { reportError } from './error-report';
import { helpConfiguration } from './help';

export interface RunAppOptions {
  /** Starts serving, e.g. `(app) => app.listen(3000)`. Called only when no command was given. */
  serve: (app: INestApplication) => Promise<unknown> | unknown;
  /** Options for `NestFactory.create` in serve mode. */
  appOptions?: NestApplicationOptions;
  /** Arguments to dispatch on; default `process.argv.slice(2)`. */
  argv?: string[];
  /** How the CLI is started, shown in help. Default: `node` and the entry file (`node dist/main.js`). */
  cliName?: string;
}

/**
 * One entry point for both modes. With a command in argv (`node dist/main.js db migrate`) it runs the command
 * and exits with its code, never listening and never running boot-time work; with none it creates the
 * app and calls `serve`.
 */
export async function runApp(rootModule: Type<unknown>, options: RunAppOptions): Promise<void> {
  const argv = options.argv ?? process.argv.slice(2);
  const stopWatching = reportUserErrorsWhenAwaited();
  if (argv.length === 0) {
    try {
      const logger = options.appOptions?.logger === false ? false : new BootLogger(options.appOptions?.logger || undefined);
      const app = await NestFactory.create(rootModule, { ...options.appOptions, logger, abortOnError: false });
      stopWatching();
      await options.serve(app);
    } catch (error) {
      // A failed boot migration (onFailure: exit) was logged by the hook; any other boot error gets one line.
      if (error instanceof BootMigrationError) process.exit(error.exitCode);
      process.exit(reportError(asUserError(error)) || 1);
    }
    return;
  }
  const code = await runCommand(rootModule, argv, options.cliName);
  stopWatching();
  await flushed();
  process.exit(code);
}

/**
 * Resolves when what was written to stdout and stderr has reached the OS: on a pipe, writes are asynchronous,
 * and `process.exit` would cut a large `--json` document (a 1000-tenant matrix) short.
 */
export async function flushed(): Promise<void> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => (stream.writableLength ? stream.write('', () => resolve()) : resolve()))));
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
  // Global options may come first: `--verbose db migrate`.
  if (argv.find((arg) => arg !== '--verbose' && arg !== '--json') !== 'db') return;
  const code = await runCommand(rootModule, argv, options.cliName);
  await flushed();
  process.exit(code);
}

/** Runs one CLI command in a Nest application context and returns the exit code. */
export async function runCommand(rootModule: Type<unknown>, argv: string[], cliName = defaultCliName()): Promise<number> {
  markCliMode();
  const { args, run, end } = startCliRun(argv, cliName);
  const originalArgv = process.argv;
  const originalExitCode = process.exitCode;
  process.argv = [process.argv[0], process.argv[1] ?? cliName, ...args];
  process.exitCode = undefined;
  const restoreConsole = consoleToStderr();
  let failure: { error: unknown } | undefined;
  try {
    await CommandFactory.run(rootModule, {
      logger: cliLogger(run.verbose),
      cliName,
      abortOnError: false,
      // Commander's parse errors become errors (exit 2) reported once, below, instead of being printed by commander.
      errorHandler: (error: CommanderError) => commanderExit(error, undefined, dbCommandNames()),
      outputConfiguration: { outputError: () => undefined },
      helpConfiguration: helpConfiguration(cliName),
      // Errors thrown by a command (or by commander's exit hook) land here; they are reported once, below.
      serviceErrorHandler: (error: unknown) => {
        failure = { error };
      },
    } as unknown as Parameters<typeof CommandFactory.run>[1]);
    if (failure) throw failure.error;
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(asUserError(error), { verbose: run.verbose, json: run.json });
  } finally {
    restoreConsole();
    end();
    process.argv = originalArgv;
    process.exitCode = originalExitCode;
  }
}

/**
 * A module that validates configuration in an async `forRoot` (ConfigModule's `validate`) rejects when the app
 * module is imported, before Nest awaits it; Node would end the process with a stack trace first. While the
 * app boots, such a rejection carrying a user error is left for the boot to report (once, in one line);
 * anything else keeps Node's default.
 */
function reportUserErrorsWhenAwaited(): () => void {
  const listener = (reason: unknown) => {
    if (reason instanceof MigrationsError) return;
    process.removeListener('unhandledRejection', listener);
    throw reason;
  };
  process.on('unhandledRejection', listener);
  return () => process.removeListener('unhandledRejection', listener);
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
  return verbose ? new VerboseCliLogger() : new CliLogger();
}
