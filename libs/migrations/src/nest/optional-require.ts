/**
 * An optional peer (`@opentelemetry/api`), or `undefined` when the app does not have
 * it. Plain `require`, resolved like this package's own peers, so the app's copy (its EventEmitter2 class, its
 * registered tracer provider) is the one used.
 */
export function optionalRequire<T>(name: string): T | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as T;
  } catch {
    return undefined;
  }
}
