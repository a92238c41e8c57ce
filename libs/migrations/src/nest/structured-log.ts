import { ConsoleLogger, Logger } from '@nestjs/common';

/**
 * Fields for a log line, passed only where they show as fields: under Nest's JSON logger
 * (`new ConsoleLogger({ json: true })`, Nest 11+), a plain object after the message lands in the JSON record
 * (`params`, or top level with `flattenParams`). Text loggers, and Nest 10, would print it as a second message,
 * so they get the sentence alone, which already says the same.
 */
export function logFields(fields: Record<string, unknown>): [Record<string, unknown>] | [] {
  const logger = (Logger as unknown as { staticInstanceRef?: unknown }).staticInstanceRef;
  const json = logger instanceof ConsoleLogger && (logger as unknown as { options?: { json?: boolean } }).options?.json === true;
  return json ? [{ ...fields }] : [];
}
