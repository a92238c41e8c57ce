/**
 * Severity by table size. A lock that a statement holds while it scans, rewrites or indexes a table lasts
 * about as long as the table is big: on an empty table it is over before anyone notices, on a table of a
 * million rows it holds up the application for seconds or minutes. So a size-aware rule reports nothing on
 * a small table, its configured level on a medium one or one of unknown size, and blocks on a large one.
 */
import type { CheckLevel } from '../safety';
import type { RelationInfo, SizeThresholds } from './lint-model';

/**
 * Defaults: up to 10,000 rows and 10 MiB a table is small (an index builds or a table is rewritten in well
 * under a second); from 1,000,000 rows or 1 GiB on it is large (seconds to minutes of blocked writes or reads).
 */
export const DEFAULT_SIZE_THRESHOLDS: SizeThresholds = {
  smallRows: 10_000,
  smallBytes: 10 * 1024 * 1024,
  largeRows: 1_000_000,
  largeBytes: 1024 * 1024 * 1024,
};

export type SizeClass = 'small' | 'medium' | 'large' | 'unknown';

export function sizeClass(info: Pick<RelationInfo, 'rows' | 'bytes'> | undefined, thresholds: SizeThresholds | false): SizeClass {
  if (!info || !thresholds) return 'unknown';
  const rows = info.rows;
  if ((rows !== undefined && rows >= thresholds.largeRows) || info.bytes >= thresholds.largeBytes) return 'large';
  // A table never analyzed has no row estimate; its size on disk still tells whether it is empty or tiny.
  if ((rows === undefined || rows <= thresholds.smallRows) && info.bytes <= thresholds.smallBytes) return 'small';
  return 'medium';
}

/** The level of a size-aware finding: off on a small table, block on a large one, else as configured. */
export function levelForSize(level: CheckLevel, size: SizeClass): CheckLevel {
  if (level === 'off') return 'off';
  if (size === 'small') return 'off';
  if (size === 'large') return 'block';
  return level;
}
