const CLI_FLAG = 'NEST_MIGRATIONS_CLI';

/** Marks this process as a CLI invocation: boot-time work (run-on-boot, listening) is skipped. */
export function markCliMode(): void {
  process.env[CLI_FLAG] = '1';
}

/** True when the process was started to run a command (`node dist/main.js db ...`), not to serve. */
export function isCliMode(): boolean {
  return process.env[CLI_FLAG] === '1';
}
