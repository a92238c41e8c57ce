import { UsageError } from './errors';

/** A seeder as the core sees it: a name and the names it must run after. */
export interface SeederNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/**
 * Orders seeders so that each runs after everything it depends on; ties keep declaration order. Unknown
 * dependencies, duplicate names and cycles are errors naming what is wrong.
 */
export function orderSeeders<T extends SeederNode>(seeders: readonly T[]): T[] {
  const byName = new Map<string, T>();
  for (const seeder of seeders) {
    if (byName.has(seeder.name)) throw new UsageError(`Two seeders are named '${seeder.name}'`, 'Give one of them another name.');
    byName.set(seeder.name, seeder);
  }
  for (const seeder of seeders) {
    for (const dependency of seeder.dependsOn) {
      if (!byName.has(dependency)) {
        throw new UsageError(`Seeder '${seeder.name}' depends on '${dependency}', which is not a registered seeder`);
      }
    }
  }
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (seeder: T, path: string[]): void => {
    if (state.get(seeder.name) === 'done') return;
    if (state.get(seeder.name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(seeder.name)), seeder.name];
      throw new UsageError(`Seeders depend on each other in a cycle: ${cycle.join(' -> ')}`);
    }
    state.set(seeder.name, 'visiting');
    for (const dependency of seeder.dependsOn) visit(byName.get(dependency) as T, [...path, seeder.name]);
    state.set(seeder.name, 'done');
    ordered.push(seeder);
  };
  for (const seeder of seeders) visit(seeder, []);
  return ordered;
}
