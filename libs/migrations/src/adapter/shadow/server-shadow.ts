import type { DataSource } from 'typeorm';
import { OperationFailedError } from '../../core/errors';
import { describeDriverError, driverCode } from '../driver-errors';
import type { ShadowCacheStatus, ShadowDatabase } from '../shadow-database';
import { cloneDatabase, dropDatabase } from './admin';
import { shadowName } from './names';
import { guardShadow } from './claims';
import { haltIfInterrupted } from './signal-guard';

/** A clone of the template (`CREATE DATABASE ... TEMPLATE`), guarded: dropped on dispose, or on SIGINT/SIGTERM. */
export async function openClone(
  main: DataSource,
  template: string,
  stem: string,
  connect: (database: string) => Promise<DataSource>,
): Promise<{ dataSource: DataSource; database: string; dispose: () => Promise<void> } | { error: unknown }> {
  const name = shadowName(stem);
  const release = await guardShadow(main, name);
  try {
    const result = await cloneDatabase(main, template, name);
    if (result !== 'cloned') {
      release();
      return { error: new Error(result === 'busy' ? 'another session is connected to it' : result === 'denied' ? 'permission denied' : 'it is gone') };
    }
    const dataSource = await connectOrDrop(main, name, connect);
    const shadow = serverShadow(main, name, dataSource, release, { cache: 'hit', replayed: 0 });
    return { dataSource, database: name, dispose: shadow.dispose };
  } catch (error) {
    await haltIfInterrupted();
    await dropDatabase(main, name);
    release();
    throw shadowError(error);
  }
}

export async function connectOrDrop(main: DataSource, name: string, connect: (database: string) => Promise<DataSource>): Promise<DataSource> {
  try {
    return await connect(name);
  } catch (error) {
    await dropDatabase(main, name);
    throw error;
  }
}

export function serverShadow(
  main: DataSource,
  name: string,
  dataSource: DataSource,
  release: () => void,
  cache: { cache: ShadowCacheStatus; replayed: number; template?: string },
): ShadowDatabase {
  return {
    dataSource,
    kind: 'server',
    ...cache,
    dispose: async () => {
      await haltIfInterrupted();
      await dataSource.destroy().catch(() => undefined);
      await dropDatabase(main, name);
      release();
    },
  };
}

export function shadowError(error: unknown): unknown {
  if (error instanceof OperationFailedError) return error;
  if (!driverCode(error)) return error;
  return new OperationFailedError(`Cannot create the shadow database: ${describeDriverError(error)}`, undefined, 'shadow_failed');
}
