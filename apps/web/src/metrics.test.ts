import { describe, expect, it } from 'vitest';
import { lerp, maxAbsDiff } from './metrics.js';

describe('metrics', () => {
  it('computes max |diff| and interpolation', () => {
    const a = Float32Array.from([0, 0.5, 1, 1]);
    const b = Float32Array.from([0, 0, 1, 0]);
    expect(maxAbsDiff(a, b)).toBe(1);
    expect([...lerp(a, b, 0.5)]).toEqual([0, 0.25, 1, 0.5]);
    expect(() => maxAbsDiff(a, b.subarray(1))).toThrow(/lengths differ \(4 vs 3\)/);
  });
});
