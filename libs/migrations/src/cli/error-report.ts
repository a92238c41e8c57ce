import { redact } from '../adapter/driver-errors';
import { MigrationsError } from '../core/errors';

export const USAGE_EXIT = 2;
export const FAILURE_EXIT = 1;

/** A commander parse error (bad option value, unknown option): commander has already printed it. */
export class CommandLineUsageError extends Error {
  constructor(readonly exitCode: number, readonly printed: boolean) {
    super('command line usage');
  }
}

/**
 * The one place where an error becomes what the user reads: one line (plus an optional hint), no stack
 * trace unless `verbose`, never a password, and the exit code.
 */
export function reportError(error: unknown, verbose: boolean, write: (line: string) => void): number {
  if (error instanceof CommandLineUsageError) return error.exitCode;
  const known = findMigrationsError(error);
  if (known) {
    write(`error: ${redact(known.message)}`);
    if (known.hint) write(`hint: ${redact(known.hint)}`);
    if (verbose && known.stack) write(redact(known.stack));
    return known.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`error: ${redact(message.split('\n')[0])}`);
  if (verbose && error instanceof Error && error.stack) write(redact(error.stack));
  else write('hint: run again with --verbose for details');
  return FAILURE_EXIT;
}

function findMigrationsError(error: unknown): MigrationsError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof MigrationsError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
