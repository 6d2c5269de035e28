import { availableParallelism } from 'node:os';
import { createRng, OptionError, setLogger, validateSpec } from '@aekit/core';
import { type BackendWasm, getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sigmoidCrossEntropyLoss } from '../engine/losses.js';
import { convCases, itMatchesReference, matMulCases, poolCases } from '../kernels/test-utils/kernel-cases.js';
import { kernelThreads } from '../kernels/wasm/native-threads.js';
import { blobImages } from '../test-utils/data.js';
import { createTfjsBackend } from '../tfjs-backend.js';
import { createAdam } from '../training/optimizer-state.js';
import { defaultWasmThreads, WASM_MAX_THREADS } from './wasm-threads.js';

// tfjs-backend-wasm's own factory (in Node: the single-threaded SIMD build), before aekit replaces it.
const stockFactory = tf.findBackendFactory('wasm');
const cores = availableParallelism();
const expectedThreads = Math.min(cores, WASM_MAX_THREADS);
// One thread per core, as by default, whatever AEKIT_WASM_THREADS the suite runs with.
const backend = createTfjsBackend({ device: 'wasm', threads: cores });
const warnings: string[] = [];

beforeAll(async () => {
  setLogger({ info() {}, warn: (m) => void warnings.push(m) });
  await backend.init();
});
const envThreads = process.env.AEKIT_WASM_THREADS;
afterEach(() => {
  if (envThreads === undefined) delete process.env.AEKIT_WASM_THREADS;
  else process.env.AEKIT_WASM_THREADS = envThreads;
});

/** A small conv autoencoder that uses every training kernel aekit adds to wasm. */
const spec = validateSpec({
  name: 'conv-threads',
  inputShape: [28, 28, 1],
  encoder: [
    { type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'conv2d', filters: 16, kernelSize: 3, strides: 2, activation: 'relu' },
    { type: 'flatten' },
    { type: 'dense', units: 16, activation: 'relu' },
  ],
  decoder: [
    { type: 'dense', units: 7 * 7 * 16, activation: 'relu' },
    { type: 'reshape', targetShape: [7, 7, 16] },
    { type: 'conv2dTranspose', filters: 16, kernelSize: 3, strides: 2, activation: 'relu' },
    { type: 'upSampling2d', size: 2 },
    { type: 'conv2d', filters: 1, kernelSize: 3, activation: 'sigmoid' },
  ],
  loss: { reconstruction: 'bce' },
});

/** Losses of a few Adam steps (3 epochs of 4 batches) and the reconstructions after them. */
async function train(x: Float32Array): Promise<{ losses: number[]; out: Float32Array }> {
  const model = await backend.createModel(spec, { seed: 3 });
  const { history } = await model.fit({ x }, { epochs: 3, batchSize: 16, learningRate: 1e-3, seed: 5 });
  const out = await model.reconstruct(x.subarray(0, 8 * 784));
  model.dispose();
  return { losses: history.map((h) => h.loss), out };
}

function maxRelativeDiff(a: readonly number[] | Float32Array, b: readonly number[] | Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-6));
  }
  return max;
}

describe('the wasm device on several threads', () => {
  it('starts with one thread per available core and says so', () => {
    expect(warnings).toEqual([]);
    const loaded = backend.loaded!;
    expect(loaded.threads).toBe(getThreadsCount());
    expect(loaded.simd).toBe(true);
    // A 1-core machine runs the single-threaded build: only there may the count be 1.
    if (cores > 1) expect(loaded.threads).toBeGreaterThan(1);
    expect(loaded.threads).toBe(expectedThreads);
    const plural = expectedThreads === 1 ? '' : 's';
    expect(backend.describe()).toBe(`wasm (${expectedThreads} thread${plural}, SIMD; requested)`);
    // aekit's own kernels share their work with as many threads.
    const threads = kernelThreads(tf.backend() as unknown as BackendWasm);
    if (cores > 1) expect(threads?.count).toBe(expectedThreads);
  });

  it('computes the cross-entropy from logits and its gradient shared between the threads', () => {
    // 40,011 values: several tasks of 8,192 and a tail; against float64 with s = 1 / (1 + e^-z).
    const rng = createRng(6);
    const shape = [3, 13337];
    const size = 3 * 13337;
    const zv = Float32Array.from({ length: size }, () => (rng.next() - 0.5) * 60);
    const yv = Float32Array.from({ length: size }, () => rng.next());
    const [z, y] = [tf.tensor(zv, shape), tf.tensor(yv, shape)];
    let loss = 0;
    const grad = new Float64Array(size);
    zv.forEach((v, i) => {
      const t = yv[i]!;
      loss -= t * Math.log(1 / (1 + Math.exp(-v))) + (1 - t) * Math.log(1 / (1 + Math.exp(v)));
      grad[i] = (1 / (1 + Math.exp(-v)) - t) / 3;
    });
    const f = (v: tf.Tensor) => sigmoidCrossEntropyLoss(tf, 'sum', v, y);
    expect(Math.abs(f(z).dataSync()[0]! / (loss / 3) - 1)).toBeLessThan(1e-6);
    const g = tf.grad(f)(z).dataSync() as Float32Array;
    expect(g.reduce((m, v, i) => Math.max(m, Math.abs(v - grad[i]!)), 0)).toBeLessThan(1e-7);
    tf.dispose([z, y]);
  });

  it('runs Adam shared between the threads step for step as tfjs AdamOptimizer', () => {
    // 40,200 values: several tasks of 8,192 and a tail; the 3-value one stays on one thread.
    const shapes = [[200, 201], [3]];
    const init = createRng(4);
    const start = shapes.map((s) =>
      Float32Array.from({ length: s[0]! * (s[1] ?? 1) }, () => init.next() - 0.5),
    );
    const run = (optimizer: tf.Optimizer) => {
      // The same gradients for both optimisers.
      const rng = createRng(5);
      const vars = shapes.map((s, i) => tf.variable(tf.tensor(start[i]!, s)));
      for (let step = 0; step < 3; step++) {
        const grads = vars.map((v) => ({
          name: v.name,
          tensor: tf.tensor(
            Float32Array.from({ length: v.size }, () => (rng.next() - 0.5) * 0.1),
            v.shape,
          ),
        }));
        optimizer.applyGradients(grads);
        tf.dispose(grads.map((g) => g.tensor));
      }
      const out = vars.map((v) => Float32Array.from(v.dataSync()));
      tf.dispose(vars);
      return out;
    };
    const fused = run(createAdam(tf, 1e-2));
    const stock = run(tf.train.adam(1e-2, 0.9, 0.999, 1e-7));
    const maxDiff = (a: Float32Array, b: Float32Array) =>
      a.reduce((m, v, j) => Math.max(m, Math.abs(v - b[j]!)), 0);
    for (let i = 0; i < shapes.length; i++) {
      // Values of size 0.5 moved by about 3 x 1e-2.
      expect(maxDiff(fused[i]!, stock[i]!)).toBeLessThan(1e-6);
      expect(maxDiff(fused[i]!, start[i]!)).toBeGreaterThan(1e-2);
    }
  });

  describe('the training kernels match the tfjs CPU kernels on the threaded build', () => {
    itMatchesReference('wasm', convCases(11));
    itMatchesReference('wasm', poolCases(12));
    itMatchesReference('wasm', matMulCases(13));
  });

  it('checks the thread count: a positive integer, fixed once the wasm device has loaded', async () => {
    delete process.env.AEKIT_WASM_THREADS;
    expect(await defaultWasmThreads()).toBe(cores);
    for (const threads of [0, -1, 1.5, Number.NaN]) {
      await expect(createTfjsBackend({ device: 'wasm', threads }).init()).rejects.toThrow(OptionError);
    }
    await expect(createTfjsBackend({ device: 'wasm', threads: cores + 1 }).init()).rejects.toThrow(
      /already runs in this process, started for \d+ threads/,
    );
    // The same count, or none, reuses it; other devices ignore it.
    await createTfjsBackend({ device: 'wasm', threads: cores }).init();
    await createTfjsBackend({ device: 'wasm' }).init();
    await createTfjsBackend({ device: 'js', threads: cores + 1 }).init();
    process.env.AEKIT_WASM_THREADS = '3';
    expect(await defaultWasmThreads()).toBe(3);
    process.env.AEKIT_WASM_THREADS = 'two';
    await expect(defaultWasmThreads()).rejects.toThrow('AEKIT_WASM_THREADS must be a positive integer');
  });

  it('trains like the single-threaded build: the same losses and reconstructions to 1e-5', async () => {
    const x = blobImages(64, 7);
    const threaded = await train(x);
    expect(getThreadsCount()).toBe(expectedThreads);

    // Swap in the stock single-threaded build (the threaded backend and its workers are disposed).
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', stockFactory!, 2);
    setThreadsCount(1);
    const single = await train(x);
    expect(getThreadsCount()).toBe(1);

    expect(threaded.losses[2]).toBeLessThan(threaded.losses[0]!);
    expect(maxRelativeDiff(threaded.losses, single.losses)).toBeLessThan(1e-5);
    expect(maxRelativeDiff(threaded.out, single.out)).toBeLessThan(1e-5);
  });
});
