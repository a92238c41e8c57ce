import { OperationFailedError } from '../../core/errors';
import { newRevisionId } from './revision-id';

describe('newRevisionId', () => {
  it('returns 12 lowercase hex characters', () => {
    for (let i = 0; i < 200; i++) expect(newRevisionId()).toMatch(/^[0-9a-f]{12}$/);
  });

  it('is random: 1000 draws are all different', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRevisionId()));
    expect(ids.size).toBe(1000);
  });

  it('draws 6 random bytes', () => {
    const random = jest.fn((size: number) => Buffer.alloc(size, 0xab));
    expect(newRevisionId(new Set(), random)).toBe('abababababab');
    expect(random).toHaveBeenCalledWith(6);
  });

  it('draws again when the id already exists', () => {
    const draws = ['626ab0e768ab', '08ab1432a152', 'b82d814bc902'].map((hex) => Buffer.from(hex, 'hex'));
    const random = jest.fn(() => draws.shift()!);
    expect(newRevisionId(new Set(['626ab0e768ab', '08ab1432a152']), random)).toBe('b82d814bc902');
    expect(random).toHaveBeenCalledTimes(3);
  });

  it('does not mind ids that only share a prefix', () => {
    const random = () => Buffer.from('626ab0e768ac', 'hex');
    expect(newRevisionId(new Set(['626ab0e768ab']), random)).toBe('626ab0e768ac');
  });

  it('gives up with a clear error when the random source keeps colliding', () => {
    const random = jest.fn(() => Buffer.from('626ab0e768ab', 'hex'));
    expect(() => newRevisionId(new Set(['626ab0e768ab']), random)).toThrow(OperationFailedError);
    expect(() => newRevisionId(new Set(['626ab0e768ab']), random)).toThrow(/Could not draw an unused revision id/);
    expect(random.mock.calls.length).toBe(200);
  });

  it('rejects a random source that returns the wrong size', () => {
    expect(() => newRevisionId(new Set(), () => Buffer.alloc(4))).toThrow(/invalid revision id/);
  });
});
