import type { LoggerService } from '@nestjs/common';

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
