import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerTrainingKernels, setNativeKernelsEnabled } from '../index.js';
import { convCases, itMatchesReference, matMulCases } from '../test-utils/kernel-cases.js';

// Registered before the wasm backend initialises: the stock kernels aekit falls back to (strided
// Conv2DBackpropInput, BatchMatMul, Sigmoid without the SIMD module) must still get their setup when it does.
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
  it('falls back to the stock Sigmoid without the SIMD module', () => {
    setNativeKernelsEnabled(false);
    try {
      const y = tf.sigmoid(tf.tensor([0, 2, -2]));
      const expected = [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))];
      const actual = y.dataSync();
      for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i] as number, 6);
      y.dispose();
    } finally {
      setNativeKernelsEnabled(true);
    }
  });
});
