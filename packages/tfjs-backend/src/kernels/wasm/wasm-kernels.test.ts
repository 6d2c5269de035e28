import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels, trainingKernelNames } from '../index.js';
import {
  convCases,
  elementwiseCases,
  itMatchesReference,
  matMulCases,
  poolCases,
} from '../test-utils/kernel-cases.js';
import { nativeKernels, nativeKernelsUnavailableReason, setNativeKernelsEnabled } from './native.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  expect(registerTrainingKernels('wasm')).toEqual(trainingKernelNames('wasm'));
});

describe('wasm training kernels match the tfjs CPU kernels', () => {
  it('registers idempotently and replaces the missing/slow kernels', () => {
    registerTrainingKernels('wasm');
    expect(trainingKernelNames('wasm')).toContain('Conv2DBackpropFilter');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it("loads aekit's SIMD module into the backend's memory", async () => {
    await tf.setBackend('wasm');
    const kernels = nativeKernels(tf.backend() as unknown as BackendWasm);
    expect(nativeKernelsUnavailableReason()).toBeUndefined();
    expect(kernels).not.toBeNull();
  });

  itMatchesReference('wasm', convCases(1));
  itMatchesReference('wasm', poolCases(2));
  itMatchesReference('wasm', matMulCases(6));
  itMatchesReference('wasm', elementwiseCases(8));

  it('clones by sharing memory, and the clone outlives its source', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const ids = backend.numDataIds();
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(ids);
    x.dispose();
    expect(backend.numDataIds()).toBe(ids);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(backend.numDataIds()).toBe(ids - 1);
  });

  it('frees wasm memory of its intermediates', async () => {
    await tf.setBackend('wasm');
    const c = convCases(3).find((k) => k.kernelName === 'Conv2DBackpropFilter');
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

describe('without the SIMD module, the fallbacks match the tfjs CPU kernels', () => {
  beforeAll(() => setNativeKernelsEnabled(false));
  afterAll(() => setNativeKernelsEnabled(true));

  it('reports why the module is not used', async () => {
    await tf.setBackend('wasm');
    expect(nativeKernels(tf.backend() as unknown as BackendWasm)).toBeNull();
    expect(nativeKernelsUnavailableReason()).toMatch(/turned off/);
  });

  itMatchesReference('wasm', convCases(11));
  itMatchesReference('wasm', poolCases(12));
  itMatchesReference('wasm', matMulCases(16));
  itMatchesReference('wasm', elementwiseCases(18));
});
