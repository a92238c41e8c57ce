/**
 * setupFilesAfterEnv of the "e2e" project. testTimeout is a global-only Jest
 * option, so the e2e timeout is set here, per test file.
 */
jest.setTimeout(60_000);
