import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';
import { MigrationsError } from '../core/errors';
import { InvalidMigrationsOptionsError } from '../nest/options-validation';

/**
 * Nest's logger for CLI mode: the command's own output is what the user reads, so boot chatter and the
 * framework's error dumps (the CLI reports errors itself, once) are dropped; warnings stay.
 */
export class CliLogger implements LoggerService {
  log(): void {}
  error(): void {}
  debug(): void {}
  verbose(): void {}
  fatal(): void {}
  warn(message: unknown, context?: string): void {
    process.stderr.write(`warning: ${context ? `[${context}] ` : ''}${String(message)}\n`);
  }
}

/** Nest's own logger for `--verbose`, on stderr: stdout carries the command's output (and `--json`). */
export class VerboseCliLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, ...rest: unknown[]): void {
    (super.printMessages as (...args: unknown[]) => void)(messages, context, logLevel, 'stderr', ...rest.slice(1));
  }
}

/**
 * The app's logger in serve mode, minus Nest's dump of a user error that stops the boot (no database
 * configured, bad options): `runApp` reports that in one line, without a stack trace.
 */
export class BootLogger implements LoggerService {
  private readonly inner: LoggerService;

  constructor(logger: LoggerService | LogLevel[] | undefined) {
    this.inner = Array.isArray(logger) ? new ConsoleLogger({ logLevels: logger }) : (logger ?? new ConsoleLogger());
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.inner.log(message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.inner.warn(message, ...rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    if (message instanceof MigrationsError || message instanceof InvalidMigrationsOptionsError) return;
    this.inner.error(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.inner.debug?.(message, ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.inner.verbose?.(message, ...rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.inner.fatal?.(message, ...rest);
  }
  setLogLevels(levels: LogLevel[]): void {
    this.inner.setLogLevels?.(levels);
  }
}
