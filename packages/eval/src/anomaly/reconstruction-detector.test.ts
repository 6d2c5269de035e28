import { describe, expect, it } from 'vitest';
import { ReconstructionDetector } from './reconstruction-detector.js';

describe('ReconstructionDetector on a VAE', () => {
  it('VAE sampling needs encodeDistribution', () => {
    expect(
      () => new ReconstructionDetector({ reconstruct: (x) => x }, { featureSize: 2, samples: 4 }),
    ).toThrow(/needs a VAE/);
  });

  it('averages the error over VAE samples', async () => {
    // A fake VAE: q(z|x) = N(x, 1) in one dimension, decode = identity. E[(x - z)^2] = 1.
    const fake = {
      reconstruct: (x: Float32Array) => x,
      decode: async (z: Float32Array) => z,
      encodeDistribution: async (x: Float32Array) => ({ mean: x, logVar: new Float32Array(x.length) }),
    };
    const d = new ReconstructionDetector(fake, { featureSize: 1, samples: 2000, seed: 3 });
    const s = await d.score(new Float32Array([0.5]));
    expect(Math.abs((s[0] as number) - 1)).toBeLessThan(0.08);
  });
});
