import { describe, expect, it } from 'vitest';
import { addGaussianNoise, normalSamples } from './noise.js';

describe('noise', () => {
  it('draws standard normal samples, the same for the same seed', () => {
    const z = normalSamples(20_001, 3);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(normalSamples(5, 3)).toEqual(z.subarray(0, 5));
    expect(normalSamples(5, 4)).not.toEqual(z.subarray(0, 5));
  });

  it('adds clipped Gaussian noise with the requested std', () => {
    const x = new Float32Array(20_000).fill(0.5);
    const noisy = addGaussianNoise(x, 0.1, 9);
    const std = Math.sqrt(noisy.reduce((s, v) => s + (v - 0.5) ** 2, 0) / noisy.length);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
    const clipped = addGaussianNoise(x, 5, 9);
    expect(Math.min(...clipped)).toBe(0);
    expect(Math.max(...clipped)).toBe(1);
  });
});
