import { codeOf } from '@aekit/core/testing';
import { describe, expect, it } from 'vitest';
import { downscale, upscale } from './resample.js';

describe('downscale', () => {
  it('averages factor x factor blocks per channel', () => {
    // One 2x4 image with 2 channels: channel 0 = 0..7, channel 1 = 10 x that.
    const image = new Float32Array(16).map((_, i) => (i % 2 === 0 ? i / 2 : 5 * i - 5));
    const out = downscale(image, [2, 4, 2], 2);
    // Blocks {0, 1, 4, 5} and {2, 3, 6, 7}.
    expect(Array.from(out)).toEqual([2.5, 25, 4.5, 45]);
    expect(codeOf(() => downscale(image, [2, 4, 2], 3))).toBe('OPTION_INVALID');
    expect(codeOf(() => downscale(image.subarray(1), [2, 4, 2], 2))).toBe('OPTION_INVALID');
  });
});

describe('upscale', () => {
  it('nearest repeats each pixel', () => {
    const out = upscale(new Float32Array([0.1, 0.2, 0.3, 0.4]), [2, 2], 2, 'nearest');
    expect(Array.from(out)).toEqual(
      [0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4, 0.3, 0.3, 0.4, 0.4].map(Math.fround),
    );
  });

  it('bicubic keeps constants and linear ramps, clips to [0, 1], and undoes downscale better than nearest', () => {
    const flat = upscale(new Float32Array(9).fill(0.4), [3, 3, 1], 2);
    expect(flat.every((v) => Math.abs(v - 0.4) < 1e-6)).toBe(true);
    // A horizontal ramp 0.1, 0.3, 0.5, 0.7: interior output pixels sit on the line (Catmull-Rom is exact there).
    const ramp = upscale(new Float32Array([0.1, 0.3, 0.5, 0.7]), [1, 4, 1], 2);
    expect(ramp[3]).toBeCloseTo(0.35, 5); // centre 1.25 in source pixels
    expect(ramp[4]).toBeCloseTo(0.45, 5);
    const spike = upscale(new Float32Array([0, 0, 1, 1, 0, 0]), [1, 6, 1], 2);
    expect(spike.every((v) => v >= 0 && v <= 1)).toBe(true);
    // A smooth 16x16 image: bicubic recovers it from the 8x8 block means better than nearest.
    const size = 16;
    const smooth = new Float32Array(size * size).map((_, i) => {
      const y = Math.floor(i / size);
      const x = i % size;
      return 0.5 + 0.4 * Math.sin(x / 3) * Math.cos(y / 4);
    });
    const small = downscale(smooth, [size, size, 1], 2);
    const error = (a: Float32Array) => a.reduce((s, v, i) => s + (v - smooth[i]!) ** 2, 0);
    expect(error(upscale(small, [8, 8, 1], 2))).toBeLessThan(
      error(upscale(small, [8, 8, 1], 2, 'nearest')) / 2,
    );
  });
});
