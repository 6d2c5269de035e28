import { setLogger } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';
import { createTfjsBackend, type TfjsBackend } from '@aekit/tfjs-backend';

setLogger({ info() {}, warn() {} });

let backend: TfjsBackend | undefined;
/** One tfjs backend for every training test of a file (the fastest device available here). */
export function tfjs(): TfjsBackend {
  backend ??= createTfjsBackend();
  return backend;
}

/** The first `train` Fashion-MNIST training images and the first `test` test images, [n, 28, 28, 1] in [0, 1]. */
export async function fashion(
  train: number,
  test: number,
): Promise<{ train: Float32Array; test: Float32Array }> {
  const [a, b] = await Promise.all([
    loadDataset('fashion-mnist', { split: 'train', limit: train, allowSample: false }),
    loadDataset('fashion-mnist', { split: 'test', limit: test, allowSample: false }),
  ]);
  return { train: a.images, test: b.images };
}

/** Mean squared error between two arrays of equal length. */
export function mse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

/** Mean over samples of the PSNR (dB, peak 1) of each sample. */
export function meanPsnr(target: Float32Array, prediction: Float32Array, size: number): number {
  const n = target.length / size;
  let total = 0;
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let i = k * size; i < (k + 1) * size; i++) s += (target[i]! - prediction[i]!) ** 2;
    total += 10 * Math.log10(1 / Math.max(s / size, 1e-10));
  }
  return total / n;
}
