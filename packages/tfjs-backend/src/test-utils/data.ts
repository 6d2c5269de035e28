// Test helpers (not exported from the package): a few real Fashion-MNIST images via @aekit/datasets.
import type { Activation, ModelSpec } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';

/** `count` Fashion-MNIST images of a split as [n, 28, 28, 1] in [0, 1]; fails if the real files are absent. */
export async function fashion(split: 'train' | 'test', count: number): Promise<Float32Array> {
  const data = await loadDataset('fashion-mnist', { split, limit: count, allowDownload: false });
  if (data.count < count) {
    throw new Error(
      `needed ${count} Fashion-MNIST ${split} images, found ${data.count} (${data.source.kind}: ${data.source.path})`,
    );
  }
  return data.images;
}

/** Mean squared difference of two arrays. */
export function mse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

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
