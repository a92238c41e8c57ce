/**
 * Drops the shadow databases that exist right now when the process gets SIGINT (Ctrl-C) or SIGTERM, then lets
 * the signal end the process as it would have: no shadow, clone or half-built template is left on the server.
 * Handlers are installed only while something is guarded, so the app's own handling is untouched otherwise.
 */
type Dropper = () => Promise<void>;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const guarded = new Set<Dropper>();
let cleaning = false;

/** Guards one database; call the returned function once it is dropped (or handed over, e.g. renamed). */
export function guardOnSignal(drop: Dropper): () => void {
  guarded.add(drop);
  if (guarded.size === 1) for (const signal of SIGNALS) process.on(signal, onSignal);
  return () => {
    guarded.delete(drop);
    if (!guarded.size && !cleaning) for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };
}

/**
 * Resolves at once, unless a signal's clean-up is under way: then it never settles, so that a statement the
 * clean-up broke (its database dropped under it) does not surface as an error and end the process first; the
 * clean-up ends it by the signal.
 */
export function haltIfInterrupted(): Promise<void> {
  return cleaning ? new Promise<void>(() => undefined) : Promise.resolve();
}

function onSignal(signal: NodeJS.Signals): void {
  if (cleaning) return; // a second Ctrl-C while cleaning: the first one finishes the job, then exits
  cleaning = true;
  const drops = [...guarded].map((drop) => drop().catch(() => undefined));
  void Promise.all(drops).finally(() => {
    for (const name of SIGNALS) process.removeListener(name, onSignal);
    // Re-raised with no handler left: the process ends by the signal, with the status a shell expects.
    process.kill(process.pid, signal);
  });
}
