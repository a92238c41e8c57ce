import { HANG_GUARD_MS } from './hang-guard';

/**
 * Waits for a condition (polled), never for a fixed time: the test goes on the moment it holds. The ceiling
 * only guards against a hang, and its error names what was awaited.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ceilingMs = HANG_GUARD_MS): Promise<void> {
  const started = Date.now();
  for (let pause = 20; ; pause = Math.min(250, pause * 2)) {
    if (await condition()) return;
    if (Date.now() - started > ceilingMs) throw new Error(`Gave up waiting for ${what} after ${ceilingMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
