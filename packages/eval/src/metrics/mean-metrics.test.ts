import { describe, expect, it } from 'vitest';
import { imagePair } from '../test-utils.js';
import { msePer, psnrPer } from './image-metrics.js';
import { meanMse, meanPsnr } from './mean-metrics.js';

describe('meanMse and meanPsnr', () => {
  it('by hand: MSE over all values; per-sample PSNR capped at 100 dB before the mean', () => {
    const target = new Float32Array([0, 0, 1, 1]);
    const prediction = new Float32Array([0, 0.5, 1, 1]); // sample 0: MSE 0.125; sample 1 unchanged
    expect(meanMse(target, prediction)).toBe(0.0625);
    expect(meanPsnr(target, prediction, 2)).toBeCloseTo((10 * Math.log10(8) + 100) / 2, 12);
    expect(meanPsnr(target, target, 2)).toBe(100);
  });

  it('equal the per-sample metrics averaged (no sample identical)', () => {
    const [a, b] = imagePair(8, 8, 3, 5);
    const per = psnrPer(a, b, 64); // 3 samples of 64 values
    expect(meanPsnr(a, b, 64)).toBeCloseTo(per.reduce((s, v) => s + v, 0) / per.length, 12);
    expect(meanMse(a, b)).toBe(msePer(a, b, a.length)[0]);
  });

  it('reject arrays of different lengths and a size that does not divide them', () => {
    expect(() => meanMse(new Float32Array(4), new Float32Array(3))).toThrow(/differ in length \(4 vs 3\)/);
    expect(() => meanPsnr(new Float32Array(4), new Float32Array(4), 3)).toThrow(/not a whole number/);
  });
});
