import { inferShapes, paramInfos, shapeSize } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { convAutoencoder, deepAutoencoder, denseAutoencoder } from './index.js';

describe('seed models', () => {
  it('dense is 784 -> 32 -> 784', () => {
    const s = inferShapes(denseAutoencoder());
    expect(s.latent).toEqual([32]);
    expect(s.output).toEqual([28, 28, 1]);
    expect(paramInfos(denseAutoencoder()).reduce((n, p) => n + shapeSize(p.shape), 0)).toBe(
      784 * 32 + 32 + 32 * 784 + 784,
    );
  });
  it('deep is 784-128-64-32-64-128-784', () => {
    const spec = deepAutoencoder();
    const s = inferShapes(spec);
    expect(s.encoder.map((x) => x.at(-1))).toEqual([1, 784, 128, 64, 32]);
    expect(s.decoder.map((x) => x.at(-1))).toEqual([32, 64, 128, 784, 1]);
  });
  it('conv squeezes 28x28x1 into 4x4x8 = 128 values and back', () => {
    const s = inferShapes(convAutoencoder());
    expect(s.latent).toEqual([4, 4, 8]);
    expect(s.output).toEqual([28, 28, 1]);
    const t = inferShapes(convAutoencoder({ decoder: 'transpose' }));
    expect(t.output).toEqual([28, 28, 1]);
  });
  it('conv takes any number of stages: [32, 32] is the denoising tutorial 7x7x32, odd sizes are trimmed', () => {
    for (const decoder of ['upsampling', 'transpose'] as const) {
      const s = inferShapes(convAutoencoder({ filters: [32, 32], decoder }));
      expect(s.latent).toEqual([7, 7, 32]);
      expect(s.output).toEqual([28, 28, 1]);
      // 28 -> 14 -> 7 -> 4 -> 2 and back: the decoder trims 8 to 7 on the way up.
      expect(inferShapes(convAutoencoder({ filters: [8, 8, 8, 8], decoder })).output).toEqual([28, 28, 1]);
      expect(inferShapes(convAutoencoder({ filters: [4], inputShape: [32, 32, 3], decoder })).output).toEqual(
        [32, 32, 3],
      );
    }
    expect(() => convAutoencoder({ filters: [] })).toThrow(/filters/);
  });
});
