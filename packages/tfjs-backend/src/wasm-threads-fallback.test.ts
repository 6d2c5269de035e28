import '@tensorflow/tfjs-backend-wasm';
import { setLogger } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createTfjsBackend } from './tfjs-backend.js';

it('falls back to one thread, saying why in one line, when threads cannot start', async () => {
  const warnings: string[] = [];
  setLogger({ info() {}, warn: (m) => void warnings.push(m) });
  // The stock wasm backend initialised before aekit's init keeps its single-threaded build.
  await tf.setBackend('wasm');
  const backend = createTfjsBackend({ device: 'wasm', threads: 2 });
  await backend.init();
  expect(warnings).toEqual([
    "wasm: 2 threads cannot start here (the wasm backend was initialised before aekit's init); computing on one thread",
  ]);
  expect(backend.describe()).toBe('wasm (1 thread, SIMD; requested)');
  const model = await backend.createModel({
    specVersion: 1,
    name: 'tiny',
    inputShape: [4],
    encoder: [{ type: 'dense', units: 2, activation: 'linear', useBias: true }],
    latent: { type: 'deterministic' },
    decoder: [{ type: 'dense', units: 4, activation: 'linear', useBias: true }],
    loss: { reconstruction: 'mse', reduction: 'mean' },
    regularizers: [],
    preprocessing: '',
  });
  const { history } = await model.fit({ x: new Float32Array(12).fill(0.5) }, { epochs: 2, batchSize: 3 });
  expect(history).toHaveLength(2);
  model.dispose();
});
