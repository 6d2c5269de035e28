// A small conv autoencoder exported into a Triton repository in a temporary folder: the serving tests' model.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogger, validateSpec } from '@aekit/core';
import { exportOnnx } from '../export-onnx.js';
import { writeTritonRepository } from '../serving/triton-repository.js';
import { randomWeights } from '../testing/random.js';

setLogger({ info() {}, warn() {} });

export const servingSpec = validateSpec({
  name: 'tiny-conv',
  inputShape: [8, 8, 1],
  encoder: [
    { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
    { type: 'flatten' },
    { type: 'dense', units: 6, activation: 'linear' },
  ],
  decoder: [
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'reshape', targetShape: [4, 4, 4] },
    {
      type: 'conv2dTranspose',
      filters: 1,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'sigmoid',
    },
  ],
  loss: { reconstruction: 'mse' },
});

/** A repository with `tiny` (versions 1 and 2, max batch 8, dynamic batching) and `tiny-encoder`. */
export async function servingRepository(): Promise<{
  dir: string;
  full: Uint8Array;
  fullV2: Uint8Array;
  encoder: Uint8Array;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'aekit-serving-'));
  const full = exportOnnx(servingSpec, randomWeights(servingSpec, 1), { part: 'full' }).bytes;
  const fullV2 = exportOnnx(servingSpec, randomWeights(servingSpec, 2), { part: 'full' }).bytes;
  const encoder = exportOnnx(servingSpec, randomWeights(servingSpec, 1), { part: 'encoder' }).bytes;
  await writeTritonRepository(dir, full, {
    name: 'tiny',
    version: 1,
    maxBatchSize: 8,
    maxQueueDelayMicroseconds: 20_000,
  });
  await writeTritonRepository(dir, fullV2, {
    name: 'tiny',
    version: 2,
    maxBatchSize: 8,
    maxQueueDelayMicroseconds: 20_000,
    allVersions: true,
  });
  await writeTritonRepository(dir, encoder, { name: 'tiny-encoder', maxBatchSize: 4 });
  return { dir, full, fullV2, encoder, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
