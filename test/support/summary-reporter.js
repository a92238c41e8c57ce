// Prints one plain closing line, "Summary: N passed, N failed[, N skipped]",
// that tools reading test logs understand (Jest's own summary has another form).
// Suites that fail outside any test (e.g. a compile error) count as failed.
'use strict';

class SummaryReporter {
  onRunComplete(_contexts, r) {
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    const skipped = r.numPendingTests + r.numTodoTests;
    const line = `Summary: ${r.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
    process.stdout.write(`\n${line}\n`);
  }
}

module.exports = SummaryReporter;
