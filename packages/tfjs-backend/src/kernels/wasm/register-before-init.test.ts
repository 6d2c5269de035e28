import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerTrainingKernels } from '../index.js';
import { convCases, itMatchesReference, matMulCases } from '../test-utils/kernel-cases.js';

// Registered before the wasm backend initialises: the stock kernels aekit falls back to (strided
// Conv2DBackpropInput, BatchMatMul) must still get their setup when it does.
registerTrainingKernels('wasm');

describe('wasm training kernels registered before the backend initialises', () => {
  it('initialises the wasm backend', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  itMatchesReference(
    'wasm',
    convCases(7).filter((c) => c.kernelName === 'Conv2DBackpropInput' && c.label.includes(' s2 ')),
  );
  itMatchesReference('wasm', matMulCases(8).slice(0, 4));
});
