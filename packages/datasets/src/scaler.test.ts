import { AekitError, scaleValues } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { loadBreastCancer } from './breast-cancer.js';
import { fitScaler } from './scaler.js';

describe('fitScaler', () => {
  it('fits min-max and z-score per feature, with scale 1 for a constant feature', () => {
    const x = Float32Array.from([1, 5, 2, 3, 5, 2, 5, 5, 2]); // 3 rows of 3 features; the last two constant-ish
    expect(fitScaler('minmax', x, 3)).toEqual({ type: 'minmax', offset: [1, 5, 2], scale: [4, 1, 1] });
    const z = fitScaler('zscore', Float32Array.from([0, 10, 2, 10]), 2);
    expect(z).toEqual({ type: 'zscore', offset: [1, 10], scale: [1, 1] });
  });

  it('z-scores a real table to mean 0 and standard deviation 1 per column', () => {
    const { features, featureCount, count } = loadBreastCancer();
    const scaled = scaleValues(fitScaler('zscore', features, featureCount), features);
    for (const j of [0, 3, 29]) {
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < count; i++) sum += scaled[i * featureCount + j]!;
      for (let i = 0; i < count; i++) sq += (scaled[i * featureCount + j]! - sum / count) ** 2;
      expect(Math.abs(sum / count)).toBeLessThan(1e-5);
      expect(Math.sqrt(sq / count)).toBeCloseTo(1, 5);
    }
  });

  it('refuses non-finite values and ragged lengths with an AekitError', () => {
    expect(() => fitScaler('zscore', Float32Array.from([1, Number.NaN]), 2, 'x.csv')).toThrow(/x\.csv/);
    expect(() => fitScaler('minmax', Float32Array.from([1, 2, 3]), 2)).toThrow(AekitError);
  });
});
