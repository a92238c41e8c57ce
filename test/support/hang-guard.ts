/**
 * How long a test may wait for an event (a process to listen, to exit, to print a line) before it is declared
 * hung. A guard against hanging, never a bound on speed: a busy machine may take many times longer than an idle
 * one, and must still pass. Speed is measured in bench/.
 */
export const HANG_GUARD_MS = 5 * 60_000;
