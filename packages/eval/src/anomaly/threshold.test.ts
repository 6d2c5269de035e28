import { describe, expect, it } from 'vitest';
import { percentile, thresholdFor } from './threshold.js';

describe('thresholds', () => {
  it('percentile interpolates as numpy; contamination = 100(1-c) percentile', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBeCloseTo(5.5, 12);
    expect(percentile(v, 95)).toBeCloseTo(9.55, 12);
    expect(thresholdFor(v, { contamination: 0.1 })).toBeCloseTo(9.1, 12);
    expect(() => thresholdFor(v, { contamination: 0.7 })).toThrow(/contamination must be in \(0, 0.5\)/);
  });
});
