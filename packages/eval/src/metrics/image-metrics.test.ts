import { describe, expect, it } from 'vitest';
import { imagePair } from '../test-utils.js';
import { bcePer, msePer, psnrPer } from './image-metrics.js';
import { ssimPer } from './ssim.js';

// Expected values: scripts/reference-values.py (scikit-image 0.19.3 structural_similarity with
// gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1; peak_signal_noise_ratio).
describe('image metrics', () => {
  it('SSIM and PSNR match scikit-image on a grey 28x28 pair', () => {
    const [a, b] = imagePair(28, 28, 1, 0);
    expect(Math.abs((ssimPer(a, b, [28, 28, 1])[0] as number) - 0.9628358694202419)).toBeLessThan(1e-6);
    expect(Math.abs((psnrPer(a, b, 784)[0] as number) - 20.363344922235207)).toBeLessThan(1e-5);
  });

  it('SSIM matches scikit-image on a 16x20 RGB pair (channel mean)', () => {
    const [a, b] = imagePair(16, 20, 3, 1);
    expect(Math.abs((ssimPer(a, b, [16, 20, 3])[0] as number) - 0.9627843378392628)).toBeLessThan(1e-6);
  });

  it('SSIM of an image with itself is 1, PSNR is infinite; per-image values over a batch', () => {
    const [a, b] = imagePair(28, 28, 1, 0);
    const batch = new Float32Array([...a, ...a]);
    const other = new Float32Array([...a, ...b]);
    const s = ssimPer(batch, other, [28, 28, 1]);
    expect(s[0]).toBeCloseTo(1, 12);
    expect(Math.abs((s[1] as number) - 0.9628358694202419)).toBeLessThan(1e-6);
    expect(psnrPer(batch, other, 784)[0]).toBe(Number.POSITIVE_INFINITY);
  });

  it('MSE and BCE by hand', () => {
    const t = new Float32Array([0, 1, 0.5, 1]);
    const p = new Float32Array([0.5, 0.5, 0.5, 1]);
    const m = msePer(t, p, 2);
    expect(m[0]).toBeCloseTo(0.25, 10);
    expect(m[1]).toBe(0);
    const b = bcePer(t, p, 2);
    expect(b[0]).toBeCloseTo(Math.log(2), 6);
    // p = 1 is clipped to 1 - 1e-7: -(0.5 ln 0.5 + 0.5 ln 0.5 + ln(1 - 1e-7)) / 2
    expect(b[1]).toBeCloseTo((Math.log(2) + 1e-7) / 2, 6);
  });

  it('rejects arrays of different lengths with a shape error', () => {
    expect(() => msePer(new Float32Array(4), new Float32Array(3), 2)).toThrow(/differ in length/);
  });
});
