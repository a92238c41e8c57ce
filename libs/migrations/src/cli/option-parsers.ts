import { InvalidArgumentError } from 'commander';

/** `-s/--steps`: a positive whole number; rejected where it is parsed, before anything connects. */
export function parseSteps(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`Steps must be a positive whole number, got '${value}'.`);
  }
  return Number(value);
}

/** A revision spec: `head`, `base`, an id, a prefix of 4+ characters, `+N`, `-N`. */
export function parseRevisionSpec(value: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw new InvalidArgumentError('A revision is required (head, base, an id or a unique prefix).');
  return trimmed;
}

/** A positive whole number (`--limit`), rejected where it is parsed. */
export function parseCount(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`${what} must be a positive whole number, got '${value}'.`);
  }
  return Number(value);
}
