import { canonicalTree, checkChecksum, checksumAlgorithm, CURRENT_CHECKSUM_ALGORITHM, storedChecksum, type ChecksumAlgorithm } from './checksum';

const V1 = 'a'.repeat(64);

describe('checksum algorithms (by prefix)', () => {
  it('reads a bare digest as v1 (what 0.2.0 wrote) and v2: as v2', () => {
    expect(checksumAlgorithm(V1)).toBe('v1');
    expect(checksumAlgorithm('v2:abc')).toBe('v2');
  });

  it('does not claim a prefix it does not know (a newer release wrote it)', () => {
    expect(checksumAlgorithm('v3:abc')).toBeUndefined();
    expect(checksumAlgorithm('v10:abc')).toBeUndefined();
  });

  it('writes v1 bare and later algorithms behind their prefix; the current one is v2', () => {
    expect(storedChecksum('v1', V1)).toBe(V1);
    expect(storedChecksum('v2', 'xyz')).toBe('v2:xyz');
    expect(CURRENT_CHECKSUM_ALGORITHM).toBe('v2');
  });
});

describe('canonicalTree', () => {
  it('drops source positions at every depth and keeps everything else', () => {
    const written = { RawStmt: { stmt_location: 3, stmt_len: 40, stmt: { A_Const: { sval: { sval: 'a  b' }, location: 17 } } } };
    const reformatted = { RawStmt: { stmt_location: 0, stmt_len: 12, stmt: { A_Const: { sval: { sval: 'a  b' }, location: 2 } } } };
    expect(canonicalTree(written)).toBe(canonicalTree(reformatted));
    expect(canonicalTree(written)).toBe('{"RawStmt":{"stmt":{"A_Const":{"sval":{"sval":"a  b"}}}}}');
  });

  it('keeps constants: a different literal is a different tree', () => {
    const tree = (sval: string) => ({ A_Const: { sval: { sval }, location: 1 } });
    expect(canonicalTree(tree('a  b'))).not.toBe(canonicalTree(tree('a b')));
    const number = (ival: number) => ({ A_Const: { ival: { ival }, location: 1 } });
    expect(canonicalTree(number(1))).not.toBe(canonicalTree(number(2)));
  });

  it('keeps a `location` that is not a position (CREATE TABLESPACE ... LOCATION is a path)', () => {
    const tablespace = (location: string) => ({ CreateTableSpaceStmt: { tablespacename: 'fast', location } });
    expect(canonicalTree(tablespace('/a'))).not.toBe(canonicalTree(tablespace('/b')));
    expect(canonicalTree(tablespace('/a'))).toContain('"location":"/a"');
  });

  it('does not depend on key order, and keeps lists in order', () => {
    expect(canonicalTree({ b: 1, a: [{ y: 1, x: 2 }] })).toBe(canonicalTree({ a: [{ x: 2, y: 1 }], b: 1 }));
    expect(canonicalTree({ a: [1, 2] })).not.toBe(canonicalTree({ a: [2, 1] }));
  });
});

describe('checkChecksum', () => {
  /** A migration whose checksum is `current[algorithm]`, recording which algorithms were asked for. */
  function migration(current: Partial<Record<ChecksumAlgorithm, string | null>>) {
    const asked: ChecksumAlgorithm[] = [];
    const compute = async (algorithm: ChecksumAlgorithm) => {
      asked.push(algorithm);
      return current[algorithm] ?? null;
    };
    return { asked, compute };
  }

  it('a current-format checksum that matches: unchanged, nothing to upgrade', async () => {
    const m = migration({ v2: 'v2:same' });
    expect(await checkChecksum('v2:same', m.compute)).toEqual({ result: 'unchanged', outdated: false });
    expect(m.asked).toEqual(['v2']);
  });

  it('a current-format checksum that differs: edited', async () => {
    expect(await checkChecksum('v2:then', migration({ v2: 'v2:now' }).compute)).toEqual({ result: 'edited' });
  });

  it('an old-format checksum is compared in the old algorithm (re-hashed), and is outdated when it matches', async () => {
    const m = migration({ v1: V1, v2: 'v2:new' });
    expect(await checkChecksum(V1, m.compute)).toEqual({ result: 'unchanged', outdated: true });
    expect(m.asked).toEqual(['v1']);
  });

  it('an old-format checksum that differs in the old algorithm: edited', async () => {
    expect(await checkChecksum(V1, migration({ v1: 'b'.repeat(64), v2: 'v2:new' }).compute)).toEqual({ result: 'edited' });
  });

  it('cannot judge a format it does not know, nor a migration whose SQL it cannot compute', async () => {
    const m = migration({ v2: 'v2:x' });
    expect(await checkChecksum('v3:future', m.compute)).toEqual({ result: 'unjudged' });
    expect(m.asked).toEqual([]);
    expect(await checkChecksum('v2:x', migration({ v2: null }).compute)).toEqual({ result: 'unjudged' });
  });
});
