import '@tensorflow/tfjs-backend-wasm';
import { setLogger } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { tinySpec } from '../test-utils/data.js';
import { createTfjsBackend } from '../tfjs-backend.js';

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
  const model = await backend.createModel(tinySpec());
  const { history } = await model.fit({ x: new Float32Array(12).fill(0.5) }, { epochs: 2, batchSize: 3 });
  expect(history).toHaveLength(2);
  model.dispose();
});
