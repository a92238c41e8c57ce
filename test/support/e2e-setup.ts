/**
 * setupFilesAfterEnv of the "e2e" and "consumers" projects. testTimeout is a global-only Jest option, so it is
 * set here, per test file: a guard against a hung test, not a bound on speed (test/support/hang-guard.ts).
 */
import { HANG_GUARD_MS } from './hang-guard';

jest.setTimeout(2 * HANG_GUARD_MS);
