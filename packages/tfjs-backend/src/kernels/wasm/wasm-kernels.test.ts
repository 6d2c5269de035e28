import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels, trainingKernelNames } from '../index.js';
import { convCases, itMatchesReference, matMulCases, poolCases } from '../test-utils/kernel-cases.js';

describe('wasm training kernels match the tfjs CPU kernels', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(registerTrainingKernels('wasm')).toEqual(trainingKernelNames('wasm'));
  });

  it('registers idempotently and replaces the missing/slow kernels', () => {
    registerTrainingKernels('wasm');
    expect(trainingKernelNames('wasm')).toContain('Conv2DBackpropFilter');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  itMatchesReference('wasm', convCases(1));
  itMatchesReference('wasm', poolCases(2));
  itMatchesReference('wasm', matMulCases(6));

  it('frees wasm memory of its intermediates', async () => {
    await tf.setBackend('wasm');
    const [c] = convCases(3);
    const x = tf.randomUniform(c!.inputs.x!.shape as [number, number, number, number]);
    const dy = tf.randomUniform(c!.inputs.dy!.shape as [number, number, number, number]);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    for (let i = 0; i < 3; i++)
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, c!.attrs as tf.NamedAttrMap);
    tf.disposeVariables();
    expect(backend.numDataIds()).toBe(ids + 3);
    tf.dispose([x, dy]);
  });
});
