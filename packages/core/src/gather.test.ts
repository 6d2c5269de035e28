import { describe, expect, it } from 'vitest';
import { gatherRows } from './gather.js';
import { codeOf } from './testing/error-code.js';

describe('gatherRows', () => {
  it('copies the samples at the indices, for floats and labels', () => {
    const data = Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3);
    expect(Array.from(gatherRows(data, 2, [3, 0]))).toEqual([3, 3, 0, 0]);
    const labels = Uint8Array.of(5, 6, 7);
    const picked = gatherRows(labels, 1, Uint32Array.of(2, 2, 0));
    expect(picked).toBeInstanceOf(Uint8Array);
    expect(Array.from(picked)).toEqual([7, 7, 5]);
    expect(codeOf(() => gatherRows(data, 2, [4]))).toBe('OPTION_INVALID');
    expect(codeOf(() => gatherRows(data, 3, [0]))).toBe('SHAPE_MISMATCH');
  });

  it('copies table rows in the order given and names a row outside the table', () => {
    expect([...gatherRows(new Float32Array([0, 1, 2, 3, 4, 5]), 2, [2, 0])]).toEqual([4, 5, 0, 1]);
    expect(() => gatherRows(new Float32Array(4), 2, [2], 'takeRows')).toThrow(
      /takeRows: index 2 at position 0 is outside 0\.\.1/,
    );
    expect(codeOf(() => gatherRows(new Float32Array(4), 2, [-1]))).toBe('OPTION_INVALID');
    expect(codeOf(() => gatherRows(new Float32Array(4), 2, [0.5]))).toBe('OPTION_INVALID');
  });

  it('fills the front of `into` and returns a view of it; an array too short is refused', () => {
    const data = Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3);
    const into = new Float32Array(6).fill(9);
    const picked = gatherRows(data, 2, [2, 1], 'batch', into);
    expect(picked.buffer).toBe(into.buffer);
    expect(Array.from(picked)).toEqual([2, 2, 1, 1]);
    expect(Array.from(into)).toEqual([2, 2, 1, 1, 9, 9]);
    expect(() => gatherRows(data, 2, [0, 1, 2, 3], 'batch', into)).toThrow(
      /batch: into holds 6 values, 8 needed/,
    );
  });
});
