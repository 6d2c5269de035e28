import { describe, expect, it } from 'vitest';
import { negativeElbo, vaeNegativeElbo } from './metrics/elbo.js';
import { fromFloat16Bits, roundTripFloat16, toFloat16Bits } from './metrics/float16.js';
import { quantizeUint8 } from './metrics/rate-quality.js';

describe('negativeElbo', () => {
  it('by hand: BCE term plus analytic KL', () => {
    const parts = negativeElbo({
      x: new Float32Array([1, 0]),
      reconstruction: new Float32Array([0.5, 0.5]),
      mean: new Float32Array([1]),
      logVar: new Float32Array([0]),
      featureSize: 2,
    });
    expect(parts.reconstruction[0]).toBeCloseTo(2 * Math.log(2), 6);
    expect(parts.kl[0]).toBeCloseTo(0.5, 10); // -0.5 (1 + 0 - 1 - 1)
    expect(parts.negativeElbo[0]).toBeCloseTo(2 * Math.log(2) + 0.5, 6);
  });

  it('Monte-Carlo version on a fake VAE whose decoder ignores z', async () => {
    const fake = {
      decode: async (z: Float32Array) => new Float32Array(z.length * 2).fill(0.5),
      encodeDistribution: async (x: Float32Array) => ({
        mean: new Float32Array(x.length / 2).fill(1),
        logVar: new Float32Array(x.length / 2).fill(Math.log(2)),
      }),
    };
    const parts = await vaeNegativeElbo(fake, new Float32Array([1, 0, 0, 1]), {
      featureSize: 2,
      samples: 3,
      beta: 2,
    });
    const kl = -0.5 * (1 + Math.log(2) - 1 - 2);
    expect(parts.kl[1]).toBeCloseTo(kl, 6);
    expect(parts.negativeElbo[1]).toBeCloseTo(2 * Math.log(2) + 2 * kl, 5);
  });
});

describe('float16 and uint8 quantisation', () => {
  it('round-trips exactly representable values and rounds the rest to 11 significant bits', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -24]) expect(fromFloat16Bits(toFloat16Bits(v))).toBe(v);
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    const r = roundTripFloat16(new Float32Array([Math.PI]))[0] as number;
    expect(r).toBe(3.140625);
    expect(fromFloat16Bits(toFloat16Bits(1e6))).toBe(Number.POSITIVE_INFINITY);
  });

  it('uint8 quantisation error is at most half a step of each dimension range', () => {
    const z = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i) * (1 + (i % 2) * 9));
    const q = quantizeUint8(z, 2);
    for (let i = 0; i < z.length; i++) {
      const step = (i % 2 === 0 ? 2 : 20) / 255;
      expect(Math.abs((q[i] as number) - (z[i] as number))).toBeLessThanOrEqual(step / 2 + 1e-4);
    }
  });
});
