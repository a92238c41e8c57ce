/** What happened to one item of a fan-out. */
export type FanOutOutcome<T, I> =
  | { item: I; status: 'ok'; value: T }
  | { item: I; status: 'failed'; error: unknown }
  /** Not started: an earlier item failed under `failFast`. */
  | { item: I; status: 'skipped' };

export interface FanOutOptions {
  /** How many items run at once (at least 1). */
  concurrency: number;
  /** Start no new item once one failed (running ones finish). Default: go on with the others. */
  failFast?: boolean;
}

/**
 * Runs `work` on every item, at most `concurrency` at a time, and returns one outcome per item in the
 * items' order. A failing item does not stop the others unless `failFast`.
 */
export async function fanOut<I, T>(items: readonly I[], options: FanOutOptions, work: (item: I, index: number) => Promise<T>): Promise<FanOutOutcome<T, I>[]> {
  const outcomes: FanOutOutcome<T, I>[] = items.map((item) => ({ item, status: 'skipped' }));
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < items.length) {
      const index = next++;
      const item = items[index];
      try {
        outcomes[index] = { item, status: 'ok', value: await work(item, index) };
      } catch (error) {
        outcomes[index] = { item, status: 'failed', error };
        if (options.failFast) stopped = true;
      }
    }
  };
  const width = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: width }, worker));
  return outcomes;
}
