import { createRng, type Rng } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { ReluGrad } from '../custom-kernels.js';

/** One kernel invocation: inputs by name (shape + values) and attributes. */
export interface KernelCase {
  label: string;
  kernelName: string;
  inputs: Record<string, { shape: number[]; values: Float32Array }>;
  attrs: Record<string, unknown>;
}

// The stock CPU kernels, captured before any test registers aekit's kernels on the cpu backend.
const names = [
  'Conv2D',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'ResizeNearestNeighborGrad',
  'MaxPool',
  'ResizeNearestNeighbor',
  'BatchMatMul',
  '_FusedMatMul',
  'Sum',
];
const stockCpu = new Map(names.map((n) => [n, tf.getKernel(n, 'cpu')]));

function randomValues(rng: Rng, size: number, zeros = 0): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.next() < zeros ? 0 : rng.next() * 2 - 1;
  return v;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Random convolution cases (forward and both gradients): strides 1, 2 and 3, 'same' and 'valid', odd sizes, batch 1, 1-64 channels. */
export function convCases(seed: number): KernelCase[] {
  const rng = createRng(seed);
  const cases: KernelCase[] = [];
  const configs: Array<[number, number, number, number, number, number, number, 'same' | 'valid']> = [
    // batch, height, width, inC, outC, kernel, stride, pad
    [2, 28, 28, 1, 16, 3, 1, 'same'],
    [3, 14, 14, 16, 8, 3, 1, 'same'],
    [2, 16, 16, 8, 16, 3, 1, 'valid'],
    [1, 7, 9, 3, 5, 3, 2, 'same'],
    [1, 8, 8, 4, 6, 3, 2, 'valid'],
    [2, 11, 13, 5, 3, 2, 2, 'same'],
    [1, 10, 10, 2, 4, 5, 1, 'same'],
    [2, 9, 12, 6, 1, 1, 1, 'valid'],
    [1, 13, 13, 3, 2, 5, 2, 'valid'],
    [3, 28, 28, 16, 1, 3, 1, 'same'],
    // Strided input gradients (Conv2DTranspose's forward) as the zoo runs them (7x7x64 -> 14x14x64), and
    // with tails: channels not a multiple of 4, taps x channels not a multiple of 8, stride 3, even kernel.
    [1, 14, 14, 64, 64, 3, 2, 'same'],
    [3, 10, 9, 5, 7, 3, 3, 'valid'],
    [2, 6, 7, 3, 9, 4, 2, 'same'],
    // Big enough for the kernel threads, in several tasks with a short last one (chunks of images).
    [7, 28, 28, 8, 16, 3, 2, 'same'],
    [9, 14, 14, 16, 32, 3, 2, 'valid'],
  ];
  // Forward convolutions: fewer than 4 output channels (aekit's kernel on wasm) and more (XNNPACK's).
  const forward: Array<[number, number, number, number, number, number, number, number, 'same' | 'valid']> = [
    // batch, height, width, inC, outC, kernel, stride, dilation, pad
    [2, 28, 28, 16, 1, 3, 1, 1, 'same'],
    [1, 9, 11, 5, 2, 3, 2, 1, 'same'],
    [2, 10, 7, 3, 3, 2, 1, 1, 'valid'],
    [1, 12, 12, 7, 1, 3, 1, 2, 'same'],
    [1, 8, 8, 1, 1, 5, 2, 1, 'valid'],
    [2, 7, 7, 8, 8, 3, 1, 1, 'same'],
    // Big enough for the kernel threads (chunks of images, a short last one).
    [9, 28, 28, 16, 1, 3, 1, 1, 'same'],
    [6, 30, 26, 10, 2, 3, 1, 1, 'valid'],
  ];
  for (const [b, h, w, ci, co, k, s, d, pad] of forward) {
    const xShape = [b, h, w, ci];
    const filterShape = [k, k, ci, co];
    cases.push({
      label: `x ${xShape} k${k} s${s} d${d} ${pad} -> ${co}`,
      kernelName: 'Conv2D',
      inputs: {
        x: { shape: xShape, values: randomValues(rng, size(xShape), 0.3) },
        filter: { shape: filterShape, values: randomValues(rng, size(filterShape)) },
      },
      attrs: { strides: [s, s], pad, dataFormat: 'NHWC', dilations: [d, d], dimRoundingMode: undefined },
    });
  }
  for (const [b, h, w, ci, co, k, s, pad] of configs) {
    const xShape = [b, h, w, ci];
    const filterShape = [k, k, ci, co];
    const outH = pad === 'same' ? Math.ceil(h / s) : Math.ceil((h - k + 1) / s);
    const outW = pad === 'same' ? Math.ceil(w / s) : Math.ceil((w - k + 1) / s);
    const dyShape = [b, outH, outW, co];
    const label = `x ${xShape} k${k} s${s} ${pad} -> ${co}`;
    const zeros = ci > 1 ? 0.4 : 0; // ReLU-like inputs
    cases.push({
      label,
      kernelName: 'Conv2DBackpropFilter',
      inputs: {
        x: { shape: xShape, values: randomValues(rng, size(xShape), zeros) },
        dy: { shape: dyShape, values: randomValues(rng, size(dyShape)) },
      },
      attrs: { strides: [s, s], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape },
    });
    cases.push({
      label,
      kernelName: 'Conv2DBackpropInput',
      inputs: {
        dy: { shape: dyShape, values: randomValues(rng, size(dyShape)) },
        filter: { shape: filterShape, values: randomValues(rng, size(filterShape)) },
      },
      attrs: { strides: [s, s], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: xShape },
    });
  }
  return cases;
}

/** Random MaxPool gradient cases, nearest-neighbour resizes and their gradients. */
export function poolCases(seed: number): KernelCase[] {
  const rng = createRng(seed);
  const cases: KernelCase[] = [];
  const pools: Array<[number, number, number, number, number, number, 'same' | 'valid', number]> = [
    // batch, height, width, channels, pool, stride, pad, fraction of zeros (ties)
    [2, 28, 28, 16, 2, 2, 'same', 0.5],
    [1, 7, 7, 8, 2, 2, 'same', 0],
    [3, 9, 11, 3, 3, 2, 'valid', 0],
    [1, 10, 10, 1, 3, 1, 'same', 0.3],
    [2, 5, 6, 4, 2, 1, 'valid', 0],
    // Big enough for the kernel threads (chunks of images, a short last one), with ties and a channel tail.
    [9, 56, 57, 18, 2, 2, 'same', 0.3],
  ];
  for (const [b, h, w, c, p, s, pad, zeros] of pools) {
    const xShape = [b, h, w, c];
    const outH = pad === 'same' ? Math.ceil(h / s) : Math.ceil((h - p + 1) / s);
    const outW = pad === 'same' ? Math.ceil(w / s) : Math.ceil((w - p + 1) / s);
    const dyShape = [b, outH, outW, c];
    const x = randomValues(rng, size(xShape), zeros).map((v) => Math.max(v, 0));
    const attrs = { filterSize: [p, p], strides: [s, s], pad, dimRoundingMode: undefined };
    cases.push({
      label: `x ${xShape} pool${p} s${s} ${pad}${zeros > 0 ? ' with ties' : ''}`,
      kernelName: 'MaxPoolGrad',
      inputs: {
        dy: { shape: dyShape, values: randomValues(rng, size(dyShape)) },
        input: { shape: xShape, values: x },
        output: { shape: dyShape, values: new Float32Array(size(dyShape)) }, // filled by the runner
      },
      attrs,
    });
  }
  const resizes: Array<[number, number, number, number, number, number, boolean, boolean]> = [
    // batch, inH, inW, channels, outH, outW, alignCorners, halfPixelCenters
    [2, 14, 14, 16, 28, 28, false, false],
    [1, 4, 4, 8, 8, 8, false, false],
    [3, 5, 7, 3, 10, 14, false, false],
    [1, 5, 7, 2, 9, 11, false, false],
    [2, 6, 5, 3, 13, 8, false, true],
    [1, 5, 5, 2, 9, 12, true, false],
  ];
  for (const [b, ih, iw, c, oh, ow, alignCorners, halfPixelCenters] of resizes) {
    const xShape = [b, ih, iw, c];
    const dyShape = [b, oh, ow, c];
    cases.push({
      label: `resize ${xShape} -> ${oh}x${ow} align=${alignCorners} half=${halfPixelCenters}`,
      kernelName: 'ResizeNearestNeighbor',
      inputs: { images: { shape: xShape, values: randomValues(rng, size(xShape)) } },
      attrs: { alignCorners, halfPixelCenters, size: [oh, ow] },
    });
    cases.push({
      label: `${xShape} -> ${oh}x${ow} align=${alignCorners} half=${halfPixelCenters}`,
      kernelName: 'ResizeNearestNeighborGrad',
      inputs: {
        images: { shape: xShape, values: randomValues(rng, size(xShape)) },
        dy: { shape: dyShape, values: randomValues(rng, size(dyShape)) },
      },
      attrs: { alignCorners, halfPixelCenters },
    });
  }
  return cases;
}

/** Bias-gradient sums (every axis but the last, as aekit's wasm Sum does natively), other sums, ReLU gradients. */
export function elementwiseCases(seed: number): KernelCase[] {
  const rng = createRng(seed);
  const cases: KernelCase[] = [];
  const sums: Array<[number[], number[], boolean]> = [
    // shape, axis, keepDims
    [[16, 28, 28, 16], [0, 1, 2], false],
    [[3, 5, 7, 8], [0, 1, 2], true],
    [[2, 4, 4, 20], [2, 0, 1], false],
    [[37, 3], [0], false],
    [[129, 1], [0], false],
    [[6, 5, 4], [0, 1], false],
    [[6, 5, 4], [1, 2], false],
    [[6, 5, 4], [0, 1, 2], false],
    // Enough values for the kernel threads: tasks of whole rows, a short last one.
    [[5, 77, 85, 9], [0, 1, 2], false],
  ];
  for (const [shape, axis, keepDims] of sums) {
    cases.push({
      label: `${shape} over ${axis}${keepDims ? ' keepDims' : ''}`,
      kernelName: 'Sum',
      inputs: { x: { shape, values: randomValues(rng, size(shape)) } },
      attrs: { axis, keepDims },
    });
  }
  for (const shape of [
    [16, 28, 28, 16],
    [7, 70, 67],
    [3, 7],
    [1, 13],
  ]) {
    cases.push({
      label: `${shape}`,
      kernelName: ReluGrad,
      inputs: {
        dy: { shape, values: randomValues(rng, size(shape)) },
        x: { shape, values: randomValues(rng, size(shape), 0.2) }, // exact zeros: the gradient there is 0
      },
      attrs: {},
    });
  }
  return cases;
}

/** Matmul cases with every transpose combination, batched and not, with and without fused bias + ReLU. */
export function matMulCases(seed: number): KernelCase[] {
  const rng = createRng(seed);
  const cases: KernelCase[] = [];
  const dims: Array<[number, number, number, number]> = [
    // batch, m, k, n
    [1, 128, 784, 32],
    [1, 7, 5, 3],
    [3, 4, 9, 6],
    [1, 1, 13, 1],
    // Row and column tails of the SIMD kernel's 4 x 8 tiles, one-column panels, a 1-long product.
    [1, 6, 33, 13],
    [1, 9, 1, 17],
    [2, 5, 64, 8],
    // Large enough to be shared between kernel threads (native-threads.ts), with row and column tails:
    // tasks of whole panels, tasks of rows too (few columns), one row (batch 1).
    [1, 131, 301, 77],
    [2, 129, 200, 13],
    [1, 1, 997, 300],
  ];
  for (const [batch, m, k, n] of dims) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const aShape =
          batch === 1 ? (transposeA ? [k, m] : [m, k]) : transposeA ? [batch, k, m] : [batch, m, k];
        const bShape =
          batch === 1 ? (transposeB ? [n, k] : [k, n]) : transposeB ? [batch, n, k] : [batch, k, n];
        const a = { shape: aShape, values: randomValues(rng, size(aShape)) };
        const b = { shape: bShape, values: randomValues(rng, size(bShape)) };
        const label = `a ${aShape} b ${bShape} tA=${transposeA} tB=${transposeB}`;
        cases.push({ label, kernelName: 'BatchMatMul', inputs: { a, b }, attrs: { transposeA, transposeB } });
        if (batch === 1) {
          const bias = { shape: [n], values: randomValues(rng, n) };
          // The fused op always hands its kernel rank-3 operands.
          cases.push({
            label: `${label} +bias relu`,
            kernelName: '_FusedMatMul',
            inputs: { a: { ...a, shape: [1, ...aShape] }, b: { ...b, shape: [1, ...bShape] }, bias },
            attrs: { transposeA, transposeB, activation: 'relu', leakyreluAlpha: 0.2 },
          });
          cases.push({
            label: `${label} +bias sigmoid`,
            kernelName: '_FusedMatMul',
            inputs: { a: { ...a, shape: [1, ...aShape] }, b: { ...b, shape: [1, ...bShape] }, bias },
            attrs: { transposeA, transposeB, activation: 'sigmoid', leakyreluAlpha: 0.2 },
          });
        }
      }
    }
  }
  // Outer dimensions broadcast from one operand.
  const a = { shape: [2, 3, 5, 7], values: randomValues(rng, 2 * 3 * 5 * 7) };
  const b = { shape: [7, 10], values: randomValues(rng, 70) };
  cases.push({
    label: 'a 2,3,5,7 b 7,10 (broadcast)',
    kernelName: 'BatchMatMul',
    inputs: { a, b },
    attrs: { transposeA: false, transposeB: false },
  });
  return cases;
}

function runStockCpu(kernelName: string, inputs: Record<string, tf.TensorInfo>, attrs: object): Float32Array {
  const config = stockCpu.get(kernelName);
  if (config === undefined) throw new Error(`no stock cpu kernel ${kernelName}`);
  const backend = tf.findBackend('cpu') as tf.KernelBackend;
  const out = config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  const values = Float32Array.from(backend.readSync(out.dataId) as Float32Array);
  backend.disposeData(out.dataId);
  return values;
}

/**
 * The reference: the stock tfjs CPU kernel, except for ResizeNearestNeighborGrad, whose reference is the
 * exact adjoint of the stock CPU forward kernel (it scatters dy through the forward index mapping), and
 * aekit's ReluGrad, whose reference is its definition.
 */
export function reference(c: KernelCase): Float32Array {
  const backend = tf.findBackend('cpu') as tf.KernelBackend & {
    makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
  };
  const infos: Record<string, tf.TensorInfo> = {};
  for (const [name, t] of Object.entries(c.inputs))
    infos[name] = backend.makeTensorInfo(t.shape, 'float32', t.values);
  try {
    if (c.kernelName === ReluGrad) {
      const { dy, x } = c.inputs as Record<'dy' | 'x', { values: Float32Array }>;
      return dy.values.map((g, i) => ((x.values[i] as number) > 0 ? g : 0));
    }
    if (c.kernelName === 'ResizeNearestNeighborGrad') {
      const images = c.inputs.images!;
      const dy = c.inputs.dy!;
      const index = new Float32Array(images.values.length).map((_, i) => i);
      const indexInfo = backend.makeTensorInfo(images.shape, 'float32', index);
      const size = [dy.shape[1], dy.shape[2]];
      const src = runStockCpu('ResizeNearestNeighbor', { images: indexInfo }, { ...c.attrs, size });
      backend.disposeData(indexInfo.dataId);
      const dx = new Float32Array(images.values.length);
      for (let i = 0; i < src.length; i++) {
        const j = src[i] as number;
        dx[j] = (dx[j] as number) + (dy.values[i] as number);
      }
      return dx;
    }
    return runStockCpu(c.kernelName, infos, c.attrs);
  } finally {
    for (const info of Object.values(infos)) backend.disposeData(info.dataId);
  }
}

/** Fills MaxPoolGrad's `output` input (the forward max pool) with the stock CPU MaxPool. */
export function completeCase(c: KernelCase): KernelCase {
  if (c.kernelName !== 'MaxPoolGrad') return c;
  const backend = tf.findBackend('cpu') as tf.KernelBackend & {
    makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
  };
  const input = c.inputs.input!;
  const x = backend.makeTensorInfo(input.shape, 'float32', input.values);
  const values = runStockCpu('MaxPool', { x }, c.attrs);
  backend.disposeData(x.dataId);
  return { ...c, inputs: { ...c.inputs, output: { shape: c.inputs.output!.shape, values } } };
}

/**
 * Runs a case through the engine on the current backend (whatever kernel is registered there); reads the
 * result asynchronously (WebGPU in Node cannot read synchronously).
 */
export async function runOnCurrentBackend(c: KernelCase): Promise<Float32Array> {
  const inputs: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(c.inputs)) inputs[name] = tf.tensor(t.values, t.shape, 'float32');
  const out = tf.engine().runKernel(c.kernelName, inputs, c.attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  out.dispose();
  for (const t of Object.values(inputs)) t.dispose();
  return Float32Array.from(values);
}

/** max |a - b| / max(1, max |b|). */
export function relativeMaxDiff(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return diff / scale;
}

/** Declares one vitest test per case: the registered kernel on `backendName` against the reference. */
export function itMatchesReference(backendName: string, cases: KernelCase[]): void {
  for (const raw of cases) {
    it(`${raw.kernelName} ${raw.label}`, async () => {
      await tf.setBackend('cpu');
      const c = completeCase(raw);
      const expected = reference(c);
      await tf.setBackend(backendName);
      const before = tf.memory().numTensors;
      const actual = await runOnCurrentBackend(c);
      expect(tf.memory().numTensors).toBe(before);
      expect(relativeMaxDiff(actual, expected)).toBeLessThanOrEqual(1e-4);
    });
  }
}
