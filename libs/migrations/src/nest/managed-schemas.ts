import type { DataSource } from 'typeorm';

/** The schemas the app manages (`db reset` empties them, `db check` compares them): the ledger's and every entity's. */
export function appSchemas(ledgerSchema: string, dataSource: DataSource): string[] {
  const entitySchemas = dataSource.entityMetadatas.map((metadata) => metadata.schema).filter((s): s is string => !!s);
  return [...new Set([ledgerSchema, ...entitySchemas])];
}
