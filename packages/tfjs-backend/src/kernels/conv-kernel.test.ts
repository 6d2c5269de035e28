import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { createRng } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Conv2DBias,
  type Conv2DBiasAttrs,
  Conv2DTransposeBias,
  type Conv2DTransposeBiasAttrs,
} from './custom-kernels.js';
import { registerTrainingKernels } from './index.js';
import { maxRelDiff } from './test-utils/compare.js';

const rng = createRng(11);
const uniform = (shape: number[], lo: number, hi: number) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * rng.next()),
    shape,
  );

type Fused = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) => tf.Tensor;

/** The fused kernel's output and its gradients (x, filter, and bias when used) against the composition's. */
function expectSameValueAndGradients(
  fused: Fused,
  composed: Fused,
  [x, filter, bias]: [tf.Tensor, tf.Tensor, tf.Tensor],
  useBias: boolean,
  activation: 'relu' | 'linear',
): void {
  const y = fused(x, filter, bias);
  expect(maxRelDiff(y.dataSync(), composed(x, filter, bias).dataSync())).toBeLessThan(1e-5);
  // Some outputs clipped by the ReLU and some not, so both branches of its gradient count.
  if (activation === 'relu')
    expect(Array.from(y.dataSync()).filter((v) => v === 0).length).toBeGreaterThan(0);
  const weights = uniform(y.shape, -2, 2);
  const grads = (f: Fused) =>
    useBias
      ? tf.grads((a, k, c) => tf.sum(tf.mul(f(a, k, c), weights)))([x, filter, bias])
      : tf.grads((a, k) => tf.sum(tf.mul(f(a, k, bias), weights)))([x, filter]);
  const [fg, cg] = [grads(fused), grads(composed)];
  expect(fg.length).toBe(useBias ? 3 : 2);
  fg.forEach((g, i) => {
    expect(g.shape).toEqual(cg[i]!.shape);
    expect(maxRelDiff(g.dataSync(), cg[i]!.dataSync())).toBeLessThan(1e-5);
  });
  tf.dispose([x, filter, bias, weights, y, ...fg, ...cg]);
}

describe('a convolution or a transposed one, its bias and its ReLU as one kernel on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerTrainingKernels('wasm');
  });

  it.each([
    // batch, height, width, inC, filters, kernel, stride, pad, activation, bias
    [3, 9, 11, 5, 7, 3, 1, 'same', 'relu', true],
    [1, 14, 14, 8, 16, 3, 2, 'same', 'relu', true],
    [2, 10, 9, 3, 4, 3, 2, 'valid', 'linear', true],
    [2, 8, 8, 6, 5, 2, 1, 'valid', 'relu', false],
  ] as const)(
    'x [%i, %i, %i, %i], %i filters %ix%i stride %i %s, %s, bias %s: output and gradients equal Conv2D + Add + activation',
    async (b, h, w, ci, co, k, s, pad, activation, useBias) => {
      const x = uniform([b, h, w, ci], -1, 1);
      const filter = uniform([k, k, ci, co], -0.5, 0.5);
      const bias = uniform([co], -0.3, 0.3);
      const attrs: Conv2DBiasAttrs = { strides: [s, s], pad, activation };
      const fused = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) =>
        tf.engine().runKernel(Conv2DBias, useBias ? { x: a, filter: f, bias: c } : { x: a, filter: f }, {
          ...attrs,
        }) as tf.Tensor;
      const composed = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) => {
        const conv = tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, s, pad);
        const z = useBias ? tf.add(conv, c) : conv;
        return activation === 'relu' ? tf.relu(z) : z;
      };
      const profile = await tf.profile(() => fused(x, filter, bias));
      expect(profile.kernelNames).toContain(Conv2DBias);
      expect(profile.kernelNames).not.toContain('Add');
      expect(profile.kernelNames).not.toContain('Relu');
      expectSameValueAndGradients(fused, composed, [x, filter, bias], useBias, activation);
    },
  );

  it.each([
    // batch, height, width, inC, filters, kernel, stride, pad, activation, bias
    [3, 7, 7, 8, 5, 3, 2, 'same', 'relu', true],
    [1, 5, 6, 4, 8, 3, 2, 'valid', 'linear', true],
    [2, 6, 5, 3, 6, 3, 2, 'same', 'relu', false],
    // Stride 1: XNNPACK's convolution, then the stock Add and ClipByValue.
    [2, 6, 6, 4, 5, 3, 1, 'same', 'relu', true],
  ] as const)(
    'transposed: x [%i, %i, %i, %i], %i filters %ix%i stride %i %s, %s, bias %s: output and gradients equal conv2dTranspose + Add + activation',
    async (b, h, w, ci, co, k, s, pad, activation, useBias) => {
      const x = uniform([b, h, w, ci], -1, 1);
      const filter = uniform([k, k, co, ci], -0.5, 0.5);
      const bias = uniform([co], -0.3, 0.3);
      const outH = pad === 'same' ? h * s : (h - 1) * s + k;
      const outW = pad === 'same' ? w * s : (w - 1) * s + k;
      const outputShape: [number, number, number, number] = [b, outH, outW, co];
      const attrs: Conv2DTransposeBiasAttrs = { outputShape, strides: [s, s], pad, activation };
      const fused = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) =>
        tf
          .engine()
          .runKernel(Conv2DTransposeBias, useBias ? { x: a, filter: f, bias: c } : { x: a, filter: f }, {
            ...attrs,
          }) as tf.Tensor;
      const composed = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) => {
        const t = tf.conv2dTranspose(a as tf.Tensor4D, f as tf.Tensor4D, outputShape, s, pad);
        const z = useBias ? tf.add(t, c) : t;
        return activation === 'relu' ? tf.relu(z) : z;
      };
      const profile = await tf.profile(() => fused(x, filter, bias));
      expect(profile.kernelNames).toContain(Conv2DTransposeBias);
      if (s > 1) expect(profile.kernelNames).not.toContain('Add');
      expect(tf.tidy(() => fused(x, filter, bias).shape)).toEqual(outputShape);
      expectSameValueAndGradients(fused, composed, [x, filter, bias], useBias, activation);
    },
  );
});
