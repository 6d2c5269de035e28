import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { createRng } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BCE_EPSILON, reconstructionLoss } from '../losses.js';
import { createAdam } from '../optimizer-state.js';
import { AdamUpdate, BinaryCrossEntropy, ReluGrad } from './custom-kernels.js';
import { registerTrainingKernels } from './index.js';
import { setNativeKernelsEnabled } from './wasm/native.js';

const rng = createRng(7);
function uniform(size: number, lo: number, hi: number): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = lo + (hi - lo) * rng.next();
  return v;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

/** The op composition the fused kernel replaces (tfjs' clipByValue gradient included). */
function referenceBce(p: tf.Tensor, y: tf.Tensor, reduction: 'mean' | 'sum'): tf.Tensor {
  const pc = tf.clipByValue(p, BCE_EPSILON, 1 - BCE_EPSILON);
  const perValue = tf.neg(tf.add(tf.mul(y, tf.log(pc)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, pc)))));
  if (reduction === 'mean') return tf.mean(perValue);
  return tf.mean(tf.sum(tf.reshape(perValue, [p.shape[0]!, -1]), 1));
}

describe.each([
  ['cpu', 'cpu', true],
  ['wasm', 'wasm', true],
  ['wasm without the SIMD module', 'wasm', false],
] as const)('fused training kernels on %s', (_label, backendName, simd) => {
  beforeAll(async () => {
    setNativeKernelsEnabled(simd);
    await tf.setBackend(backendName);
    await tf.ready();
    registerTrainingKernels(backendName);
  });
  afterAll(() => setNativeKernelsEnabled(true));

  it.each([
    ['mean', [7, 5, 3, 2]],
    ['sum', [1, 28, 28, 1]],
    ['sum', [33, 17]],
  ] as const)(
    'binary cross-entropy (%s, shape %j) and its gradient match the op composition',
    (reduction, shape) => {
      expect(tf.getKernel(BinaryCrossEntropy, backendName)).toBeDefined();
      const size = (shape as readonly number[]).reduce((a, b) => a * b, 1);
      // Probabilities below, inside and above the clip bounds, the bounds' outside values 0 and 1 included.
      const pv = uniform(size, -0.05, 1.05);
      pv[0] = 0;
      pv[1] = 1;
      pv[2] = 1e-9;
      const p = tf.tensor(pv, [...shape]);
      const y = tf.tensor(uniform(size, 0, 1), [...shape]);
      const fused = (q: tf.Tensor) => reconstructionLoss(tf, { reconstruction: 'bce', reduction }, q, y);
      const reference = (q: tf.Tensor) => referenceBce(q, y, reduction);
      const [fv, rv] = [fused(p).dataSync(), reference(p).dataSync()];
      expect(maxRelDiff(fv, rv)).toBeLessThan(1e-6);
      const fg = tf.grad(fused)(p).dataSync();
      const rg = tf.grad(reference)(p).dataSync();
      expect(maxRelDiff(fg, rg)).toBeLessThan(1e-5);
      // Outside the clip bounds the gradient is exactly zero, as clipByValue's.
      expect(fg[0]).toBe(0);
      expect(fg[1]).toBe(0);
      tf.dispose([p, y]);
    },
  );

  it("ReLU's gradient runs as one kernel and equals dy where x > 0", async () => {
    const x = tf.tensor(uniform(4 * 9 * 9 * 3, -1, 1), [4, 9, 9, 3]);
    const w = tf.tensor(uniform(4 * 9 * 9 * 3, -2, 2), [4, 9, 9, 3]);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), w));
    const profile = await tf.profile(() => tf.grad(f)(x));
    expect(profile.kernelNames).toContain(ReluGrad);
    expect(profile.kernelNames).not.toContain('Step');
    const g = tf.grad(f)(x).dataSync();
    const xv = x.dataSync();
    const wv = w.dataSync();
    expect(Array.from(g)).toEqual(Array.from(wv, (v, i) => (xv[i]! > 0 ? v : 0)));
    tf.dispose([x, w]);
  });

  it('Adam as one kernel per parameter follows tfjs AdamOptimizer step for step', () => {
    expect(tf.getKernel(AdamUpdate, backendName)).toBeDefined();
    const shapes = [[5, 3], [3], [2, 3, 3, 4]];
    const start = shapes.map((s) =>
      uniform(
        s.reduce((a, b) => a * b, 1),
        -1,
        1,
      ),
    );
    const run = (optimizer: tf.Optimizer) => {
      const vars = shapes.map((s, i) => tf.variable(tf.tensor(start[i]!, s)));
      for (let step = 0; step < 6; step++) {
        // The same gradients for both optimisers: seeded by the step, spanning several magnitudes.
        const local = createRng(100 + step);
        const grads = vars.map((v) => {
          const g = new Float32Array(v.size);
          for (let i = 0; i < g.length; i++) g[i] = (local.next() * 2 - 1) * 10 ** (-4 + 4 * local.next());
          return { name: v.name, tensor: tf.tensor(g, v.shape) };
        });
        optimizer.applyGradients(grads);
        tf.dispose(grads.map((g) => g.tensor));
      }
      const out = vars.map((v) => v.dataSync().slice());
      tf.dispose(vars);
      return out;
    };
    const fused = run(createAdam(tf, 1e-2));
    const stock = run(tf.train.adam(1e-2, 0.9, 0.999, 1e-7));
    for (let i = 0; i < shapes.length; i++) {
      expect(maxRelDiff(fused[i]!, stock[i]!)).toBeLessThan(1e-5);
      // The parameters moved: a no-op update would pass the comparison only if both did nothing.
      expect(maxRelDiff(fused[i]!, start[i]!)).toBeGreaterThan(1e-2);
    }
  });
});
