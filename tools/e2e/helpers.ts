// Helpers of the cross-package tests: real data through @aekit/datasets, one tfjs backend per file.
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

/** `count` Fashion-MNIST images of a split as [n, 28, 28, 1] in [0, 1]; fails if the real files are absent. */
export async function fashionImages(split: 'train' | 'test', count: number): Promise<Float32Array> {
  const data = await loadDataset('fashion-mnist', { split, limit: count, allowDownload: false });
  if (data.count < count) {
    throw new Error(
      `needed ${count} Fashion-MNIST ${split} images, found ${data.count} (${data.source.kind}: ${data.source.path})`,
    );
  }
  return data.images;
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
