import { AekitError, inferShapes } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { conv1dAutoencoder } from './conv1d.js';

describe('conv1dAutoencoder', () => {
  it('windows [T, C] through two stride-2 1-D convolutions to a dense code and back to [T, C]', () => {
    const s = inferShapes(conv1dAutoencoder({ timesteps: 128, features: 3, latentDim: 8 }));
    expect(s.latent).toEqual([8]);
    expect(s.output).toEqual([128, 3]);
    expect(s.encoder.slice(1, 4)).toEqual([
      [1, 128, 3],
      [1, 64, 16],
      [1, 32, 32],
    ]);
  });

  it('a window that is not a multiple of 4: an error naming the nearest valid ones', () => {
    let error: unknown;
    try {
      conv1dAutoencoder({ timesteps: 30 });
    } catch (e) {
      error = e;
    }
    expect(AekitError.isInstance(error) && error.code).toBe('OPTION_INVALID');
    expect((error as Error).message).toMatch(/multiple of 4 steps .*, got 30; use --window 28 or 32/);
  });
});
