// Test helpers (not exported from the package).
import { type Activation, createRng, type ModelSpec } from '@aekit/core';
import { expect } from 'vitest';

/** A 4 -> 2 -> 4 dense autoencoder (MSE) for tests that only need some model to train. */
export function tinySpec(encoderActivation: Activation = 'linear'): ModelSpec {
  return {
    specVersion: 1,
    name: 'tiny',
    inputShape: [4],
    encoder: [{ type: 'dense', units: 2, activation: encoderActivation, useBias: true }],
    latent: { type: 'deterministic' },
    decoder: [{ type: 'dense', units: 4, activation: 'linear', useBias: true }],
    loss: { reconstruction: 'mse', reduction: 'mean' },
    regularizers: [],
    preprocessing: '',
  };
}

/**
 * `count` 28x28x1 images in [0, 1], each the clipped sum of three seeded Gaussian blobs: smooth, image-like
 * inputs for tests that compare two ways of computing the same training (not how well it learns).
 */
export function blobImages(count: number, seed = 0): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(count * 784);
  for (let n = 0; n < count; n++) {
    for (let b = 0; b < 3; b++) {
      const cy = rng.next() * 28;
      const cx = rng.next() * 28;
      const r = 2 + rng.next() * 5;
      const a = 0.4 + rng.next() * 0.6;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const i = n * 784 + y * 28 + x;
          out[i] = Math.min(1, out[i]! + a * Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * r * r)));
        }
      }
    }
  }
  return out;
}

/** The largest absolute difference between two equally long arrays (an expect fails when their lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
