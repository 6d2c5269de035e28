import { createRng } from '@aekit/core';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerTrainingKernels, trainingKernelNames } from '../index.js';
import {
  convCases,
  elementwiseCases,
  itMatchesReference,
  matMulCases,
  poolCases,
} from '../test-utils/kernel-cases.js';
import { nativeKernels, nativeKernelsUnavailableReason, setNativeKernelsEnabled } from './native.js';

/** Values where a sigmoid can go wrong: its centre, underflow of e^-|x| and saturation, infinities, NaN. */
const SIGMOID_SPECIALS = [0, 1e-8, -1e-8, 20, -20, 88, -88, 100, -100, Infinity, -Infinity, NaN];

/** Sigmoid inputs: 10 x standard normal values in vector tails (1, 3, 5, 17), whole vectors and a zoo output. */
function sigmoidCases(seed: number): Array<{ label: string; shape: number[]; values: Float32Array }> {
  const rng = createRng(seed);
  const cases = [[1], [3], [4], [5], [17], [256, 784]].map((shape) => ({
    label: `${shape}`,
    shape,
    values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 10 * rng.normal()),
  }));
  // Once in whole vectors, once more in the 3-value tail.
  const specials = [...SIGMOID_SPECIALS, ...SIGMOID_SPECIALS.slice(-3)];
  return [
    ...cases,
    { label: 'special values', shape: [specials.length], values: Float32Array.from(specials) },
  ];
}

/** The registered wasm Sigmoid against tfjs's CPU sigmoid: within 1e-6, NaN exactly where the CPU's is. */
function itMatchesCpuSigmoid(seed: number): void {
  for (const c of sigmoidCases(seed)) {
    it(`Sigmoid ${c.label}`, async () => {
      await tf.setBackend('cpu');
      const expected = tf.tidy(() => tf.sigmoid(tf.tensor(c.values, c.shape)).dataSync());
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const actual = tf.tidy(() => tf.sigmoid(tf.tensor(c.values, c.shape)).dataSync());
      expect(tf.memory().numTensors).toBe(before);
      let [diff, nanMismatches] = [0, 0];
      for (let i = 0; i < expected.length; i++) {
        const [a, e] = [actual[i] as number, expected[i] as number];
        if (Number.isNaN(a) !== Number.isNaN(e)) nanMismatches++;
        else if (!Number.isNaN(e)) diff = Math.max(diff, Math.abs(a - e));
      }
      expect(nanMismatches).toBe(0);
      expect(diff).toBeLessThanOrEqual(1e-6);
    });
  }
}

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
  itMatchesCpuSigmoid(9);

  it("runs Sigmoid in aekit's SIMD module, exact at 0 and saturated far out", async () => {
    await tf.setBackend('wasm');
    const kernels = nativeKernels(tf.backend() as unknown as BackendWasm)!;
    const spy = vi.spyOn(kernels, 'sigmoid');
    try {
      const y = tf.sigmoid(tf.tensor([0, -0, 17, 100, Infinity, -88, -100, -Infinity]));
      const values = Array.from(y.dataSync());
      y.dispose();
      expect(values.slice(0, 5)).toEqual([0.5, 0.5, 1, 1, 1]);
      // e^88 at most: sigmoid(-88) = 6.1e-39, where float32 is no longer normal.
      for (const v of values.slice(5)) expect(v >= 0 && v < 1e-38).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("Sigmoid's gradient (tfjs's, from the output) matches the CPU's", async () => {
    const x = Float32Array.from(sigmoidCases(10)[4]!.values);
    const grad = () =>
      tf.tidy(() =>
        tf
          .grad((t: tf.Tensor) => tf.sum(tf.square(tf.sigmoid(t))))(tf.tensor(x))
          .dataSync(),
      );
    await tf.setBackend('cpu');
    const expected = grad();
    await tf.setBackend('wasm');
    const actual = grad();
    for (let i = 0; i < x.length; i++) expect(actual[i]).toBeCloseTo(expected[i] as number, 6);
  });

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
  itMatchesCpuSigmoid(19);
});
