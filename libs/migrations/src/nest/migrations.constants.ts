/** Injection token of the validated, defaulted options. */
export const RESOLVED_MIGRATIONS_OPTIONS = Symbol('RESOLVED_MIGRATIONS_OPTIONS');
