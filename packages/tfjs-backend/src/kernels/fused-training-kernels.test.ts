import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { createRng } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BCE_EPSILON, reconstructionLoss, sigmoidCrossEntropyLoss } from '../engine/losses.js';
import { createAdam } from '../training/optimizer-state.js';
import {
  AdamUpdate,
  BinaryCrossEntropy,
  Dense,
  type DenseAttrs,
  ReluGrad,
  SigmoidCrossEntropy,
} from './custom-kernels.js';
import { registerTrainingKernels } from './index.js';
import { maxRelDiff } from './test-utils/compare.js';
import { setNativeKernelsEnabled } from './wasm/native.js';

const rng = createRng(7);
function uniform(size: number, lo: number, hi: number): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = lo + (hi - lo) * rng.next();
  return v;
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

  it.each([
    ['mean', [7, 5, 3, 2]],
    ['sum', [1, 28, 28, 1]],
    ['sum', [33, 17]],
  ] as const)('cross-entropy from logits (%s, shape %j) and its gradient', (reduction, shape) => {
    expect(tf.getKernel(SigmoidCrossEntropy, backendName)).toBeDefined();
    const size = (shape as readonly number[]).reduce((a, b) => a * b, 1);
    const divisor = reduction === 'mean' ? size : shape[0];
    const y = tf.tensor(uniform(size, 0, 1), [...shape]);
    const yv = y.dataSync();
    const fused = (v: tf.Tensor) => sigmoidCrossEntropyLoss(tf, reduction, v, y);
    // Against -(y log s + (1 - y) log(1 - s)) in float64, with s = 1 / (1 + e^-z), 1 - s = 1 / (1 + e^z).
    const zv = uniform(size, -30, 30);
    zv[0] = 0;
    const z = tf.tensor(zv, [...shape]);
    let loss = 0;
    const grad = new Float64Array(size);
    zv.forEach((v, i) => {
      const t = yv[i]!;
      loss -= t * Math.log(1 / (1 + Math.exp(-v))) + (1 - t) * Math.log(1 / (1 + Math.exp(v)));
      grad[i] = (1 / (1 + Math.exp(-v)) - t) / divisor;
    });
    expect(maxRelDiff(fused(z).dataSync(), [loss / divisor])).toBeLessThan(1e-6);
    expect(maxRelDiff(tf.grad(fused)(z).dataSync(), grad)).toBeLessThan(1e-5);
    // And the same as bce on sigmoid(z) (float32 ops) where the probabilities are not near 0 or 1.
    const near = tf.tensor(uniform(size, -4, 4), [...shape]);
    const composed = (v: tf.Tensor) => referenceBce(tf.sigmoid(v), y, reduction);
    expect(maxRelDiff(fused(near).dataSync(), composed(near).dataSync())).toBeLessThan(1e-5);
    expect(maxRelDiff(tf.grad(fused)(near).dataSync(), tf.grad(composed)(near).dataSync())).toBeLessThan(
      1e-5,
    );
    tf.dispose([z, y, near]);
  });

  it('without the kernel (tfjs-node, webgl) the loss from logits is tfjs ops with the same value and gradient', () => {
    const z = tf.tensor(uniform(6 * 11, -20, 20), [6, 11]);
    const y = tf.tensor(uniform(6 * 11, 0, 1), [6, 11]);
    const run = () => {
      const f = (v: tf.Tensor) => sigmoidCrossEntropyLoss(tf, 'sum', v, y);
      return [f(z).dataSync(), tf.grad(f)(z).dataSync()];
    };
    const [value, grad] = run();
    const config = tf.getKernel(SigmoidCrossEntropy, backendName)!;
    tf.unregisterKernel(SigmoidCrossEntropy, backendName);
    try {
      const [opsValue, opsGrad] = run();
      expect(maxRelDiff(opsValue!, value!)).toBeLessThan(1e-5);
      expect(maxRelDiff(opsGrad!, grad!)).toBeLessThan(1e-5);
    } finally {
      tf.registerKernel(config);
    }
    tf.dispose([z, y]);
  });

  it('cross-entropy from logits stays finite and exact for saturated logits', () => {
    const zv = Float32Array.of(-200, -90, -40, 0, 40, 90, 200);
    const yv = Float32Array.of(1, 0.5, 0, 0.25, 1, 0.5, 0);
    const z = tf.tensor(zv);
    const y = tf.tensor(yv);
    const fused = (v: tf.Tensor) => sigmoidCrossEntropyLoss(tf, 'sum', v, y);
    // float64: max(z, 0) - z y + log(1 + e^-|z|), and sigmoid(z) - y.
    const loss = Array.from(zv).reduce(
      (s, v, i) => s + Math.max(v, 0) - v * yv[i]! + Math.log1p(Math.exp(-Math.abs(v))),
      0,
    );
    const grad = Array.from(zv, (v, i) => 1 / (1 + Math.exp(-v)) - yv[i]!);
    expect(maxRelDiff(fused(z).dataSync(), [loss / 7])).toBeLessThan(1e-6);
    expect(
      maxRelDiff(
        tf.grad(fused)(z).dataSync(),
        grad.map((g) => g / 7),
      ),
    ).toBeLessThan(1e-6);
    tf.dispose([z, y]);
  });

  it.each([
    ['relu', true],
    ['linear', true],
    ['relu', false],
    ['sigmoid', true],
  ] as const)(
    'a dense layer (%s, bias %s) and its gradients equal MatMul + Add + activation',
    async (activation, useBias) => {
      expect(tf.getKernel(Dense, backendName)).toBeDefined();
      // A batch and widths off the SIMD kernel's 4 x 8 tiles.
      const x = tf.tensor(uniform(7 * 13, -1, 1), [7, 13]);
      const kernel = tf.tensor(uniform(13 * 9, -1, 1), [13, 9]);
      const bias = tf.tensor(uniform(9, -0.5, 0.5), [9]);
      const w = tf.tensor(uniform(7 * 9, -2, 2), [7, 9]);
      const attrs: DenseAttrs = { activation };
      const fused = (a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) =>
        tf.engine().runKernel(Dense, useBias ? { x: a, kernel: k, bias: b } : { x: a, kernel: k }, {
          ...attrs,
        }) as tf.Tensor;
      const composed = (a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => {
        const z = useBias ? tf.add(tf.matMul(a, k), b) : tf.matMul(a, k);
        return activation === 'relu' ? tf.relu(z) : activation === 'sigmoid' ? tf.sigmoid(z) : z;
      };
      const profile = await tf.profile(() => fused(x, kernel, bias));
      expect(profile.kernelNames).not.toContain('Add');
      expect(profile.kernelNames).not.toContain('Sigmoid');
      expect(
        maxRelDiff(fused(x, kernel, bias).dataSync(), composed(x, kernel, bias).dataSync()),
      ).toBeLessThan(1e-5);
      const grads = (f: typeof fused) =>
        useBias
          ? tf.grads((a, k, b) => tf.sum(tf.mul(f(a, k, b), w)))([x, kernel, bias])
          : tf.grads((a, k) => tf.sum(tf.mul(f(a, k, bias), w)))([x, kernel]);
      const [fg, cg] = [grads(fused), grads(composed)];
      fg.forEach((g, i) => {
        expect(maxRelDiff(g.dataSync(), cg[i]!.dataSync())).toBeLessThan(1e-5);
      });
      tf.dispose([x, kernel, bias, w, ...fg, ...cg]);
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
