/**
 * Binary min-heap of non-negative integers. The graph uses it to run Kahn's algorithm with a
 * deterministic tie-break (smallest rank first) in O((V + E) log V) instead of re-sorting the ready
 * list on every pop, which would turn a 5000-revision build quadratic. Internal to core.
 */
export class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= value) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = value;
  }

  /** Removes and returns the smallest value; undefined when empty. */
  pop(): number | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop() as number;
    if (items.length > 0) this.siftDown(last);
    return top;
  }

  private siftDown(value: number): void {
    const items = this.items;
    const n = items.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && items[child + 1] < items[child]) child++;
      if (items[child] >= value) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = value;
  }
}
