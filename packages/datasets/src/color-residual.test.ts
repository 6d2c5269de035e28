import { describe, expect, it } from 'vitest';
import { toGrayscale } from './color-patches.js';
import { fromColorResidual, toColorResidual } from './color-residual.js';

describe('colour residual', () => {
  const rgb = Float32Array.from([0.2, 0.4, 0.9, 1, 0, 0, 0.5, 0.5, 0.5]);
  const grey = toGrayscale(rgb);

  it('maps grey pixels to 0.5 and stays in [0, 1]', () => {
    const r = toColorResidual(rgb);
    expect(Array.from(r.slice(6))).toEqual([0.5, 0.5, 0.5].map((v) => expect.closeTo(v, 7)));
    for (const v of r) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('round-trips, and 0.5 everywhere gives the grey image back', () => {
    const back = fromColorResidual(grey, toColorResidual(rgb, grey));
    back.forEach((v, i) => {
      expect(v).toBeCloseTo(rgb[i]!, 6);
    });
    const flat = fromColorResidual(grey, new Float32Array(9).fill(0.5));
    flat.forEach((v, i) => {
      expect(v).toBeCloseTo(grey[(i / 3) | 0]!, 6);
    });
  });

  it('rejects mismatched lengths', () => {
    expect(() => fromColorResidual(grey, new Float32Array(8))).toThrow(/do not match 3 grey pixels/);
  });
});
