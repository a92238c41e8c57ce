import { describeHolder, type LockWait } from '../adapter/runtime/advisory-lock';

/** One line about a wait for the migration lock, for the boot log and the CLI's stderr. */
export function describeLockWait(wait: LockWait): string {
  const holder = wait.holder ? describeHolder(wait.holder) : 'another run';
  const waited = `${(wait.waitedMs / 1000).toFixed(1)} s`;
  switch (wait.phase) {
    case 'waiting':
      return `Waiting for the migration lock, held by ${holder}${wait.holder?.query ? `: ${wait.holder.query}` : ''}`;
    case 'holder-gone':
      return `The lock holder (backend pid ${wait.holder?.pid}) is gone after ${waited}`;
    case 'acquired':
      return `Migration lock acquired after waiting ${waited}`;
  }
}
