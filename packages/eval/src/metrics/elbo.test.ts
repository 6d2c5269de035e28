import { describe, expect, it } from 'vitest';
import { negativeElbo, vaeNegativeElbo } from './elbo.js';

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
