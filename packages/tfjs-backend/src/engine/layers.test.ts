import { ACTIVATIONS, createRng, type Layer, LEAKY_RELU_ALPHA, layerSchema, setLogger } from '@aekit/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectDevice } from '../device/devices.js';
import type { Tensor, Tf } from '../tf.js';
import { applyActivation } from './activations.js';
import { type ForwardContext, layerForward } from './layers.js';

let tf: Tf;
beforeAll(async () => {
  setLogger({ info() {}, warn() {} });
  tf = (await selectDevice('js')).tf;
});

function random(shape: number[], seed: number, scale = 1): Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale),
    shape,
  );
}

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Runs our layer with the given parameters (by suffix) in inference or training mode. */
function ours(layer: Layer, x: Tensor, params: Record<string, Tensor>, training = false): Tensor {
  const variables = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, tf.variable(v, false)]));
  const ctx: ForwardContext = { tf, training, nextSeed: () => 1, updateState: false };
  return layerForward(ctx, layer, x, (suffix) => {
    const v = variables[suffix];
    if (!v) throw new Error(`no param ${suffix}`);
    return v;
  });
}

interface Case {
  name: string;
  layer: unknown;
  input: number[];
  params: Record<string, number[]>;
  /** The tfjs-layers equivalent and the order of its weights. */
  reference: () => tfl.layers.Layer;
  order: string[];
  training?: boolean;
}

const cases: Case[] = [
  {
    name: 'dense on rank 2',
    layer: { type: 'dense', units: 5, activation: 'tanh' },
    input: [3, 4],
    params: { kernel: [4, 5], bias: [5] },
    reference: () => tfl.layers.dense({ units: 5, activation: 'tanh' }),
    order: ['kernel', 'bias'],
  },
  {
    name: 'dense on the last axis of rank 3, no bias',
    layer: { type: 'dense', units: 2, activation: 'relu', useBias: false },
    input: [2, 3, 4],
    params: { kernel: [4, 2] },
    reference: () => tfl.layers.dense({ units: 2, activation: 'relu', useBias: false }),
    order: ['kernel'],
  },
  {
    name: 'conv2d same, stride 2',
    layer: { type: 'conv2d', filters: 3, kernelSize: 3, strides: 2, activation: 'sigmoid' },
    input: [2, 7, 6, 2],
    params: { kernel: [3, 3, 2, 3], bias: [3] },
    reference: () =>
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' }),
    order: ['kernel', 'bias'],
  },
  {
    name: 'conv2d valid, 2x3 kernel',
    layer: { type: 'conv2d', filters: 2, kernelSize: [2, 3], padding: 'valid', activation: 'elu' },
    input: [1, 5, 5, 3],
    params: { kernel: [2, 3, 3, 2], bias: [2] },
    reference: () =>
      tfl.layers.conv2d({ filters: 2, kernelSize: [2, 3], padding: 'valid', activation: 'elu' }),
    order: ['kernel', 'bias'],
  },
  {
    name: 'conv2dTranspose same, stride 2',
    layer: { type: 'conv2dTranspose', filters: 2, kernelSize: 3, strides: 2, activation: 'relu' },
    input: [2, 4, 3, 3],
    params: { kernel: [3, 3, 2, 3], bias: [2] },
    reference: () =>
      tfl.layers.conv2dTranspose({
        filters: 2,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
      }),
    order: ['kernel', 'bias'],
  },
  {
    name: 'conv2dTranspose valid, stride 2',
    layer: { type: 'conv2dTranspose', filters: 1, kernelSize: 3, strides: 2, padding: 'valid' },
    input: [1, 3, 3, 2],
    params: { kernel: [3, 3, 1, 2], bias: [1] },
    reference: () => tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'valid' }),
    order: ['kernel', 'bias'],
  },
  {
    name: 'maxPool2d valid',
    layer: { type: 'maxPool2d', poolSize: 2 },
    input: [2, 5, 4, 3],
    params: {},
    reference: () => tfl.layers.maxPooling2d({ poolSize: 2, padding: 'valid' }),
    order: [],
  },
  {
    name: 'maxPool2d same, stride 1',
    layer: { type: 'maxPool2d', poolSize: 3, strides: 1, padding: 'same' },
    input: [1, 4, 4, 2],
    params: {},
    reference: () => tfl.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
    order: [],
  },
  {
    name: 'upSampling2d [2, 3]',
    layer: { type: 'upSampling2d', size: [2, 3] },
    input: [2, 3, 2, 2],
    params: {},
    reference: () => tfl.layers.upSampling2d({ size: [2, 3] }),
    order: [],
  },
  {
    name: 'flatten',
    layer: { type: 'flatten' },
    input: [2, 3, 2, 2],
    params: {},
    reference: () => tfl.layers.flatten(),
    order: [],
  },
  {
    name: 'reshape',
    layer: { type: 'reshape', targetShape: [4, 3] },
    input: [2, 12],
    params: {},
    reference: () => tfl.layers.reshape({ targetShape: [4, 3] }),
    order: [],
  },
  {
    name: 'batchNorm at inference (moving statistics)',
    layer: { type: 'batchNorm' },
    input: [4, 3, 3, 2],
    params: { gamma: [2], beta: [2], movingMean: [2], movingVariance: [2] },
    reference: () => tfl.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 }),
    order: ['gamma', 'beta', 'movingMean', 'movingVariance'],
  },
  {
    name: 'batchNorm in training (batch statistics)',
    layer: { type: 'batchNorm', epsilon: 0.01 },
    input: [8, 5],
    params: { gamma: [5], beta: [5], movingMean: [5], movingVariance: [5] },
    reference: () => tfl.layers.batchNormalization({ epsilon: 0.01 }),
    order: ['gamma', 'beta', 'movingMean', 'movingVariance'],
    training: true,
  },
  {
    name: 'lstm, last output',
    layer: { type: 'lstm', units: 3 },
    input: [2, 5, 4],
    params: { kernel: [4, 12], recurrentKernel: [3, 12], bias: [12] },
    reference: () =>
      tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }),
    order: ['kernel', 'recurrentKernel', 'bias'],
  },
  {
    name: 'lstm, sequences',
    layer: { type: 'lstm', units: 2, returnSequences: true },
    input: [3, 4, 2],
    params: { kernel: [2, 8], recurrentKernel: [2, 8], bias: [8] },
    reference: () =>
      tfl.layers.lstm({
        units: 2,
        recurrentActivation: 'sigmoid',
        recurrentInitializer: 'glorotUniform',
        returnSequences: true,
      }),
    order: ['kernel', 'recurrentKernel', 'bias'],
  },
  {
    name: 'repeatVector',
    layer: { type: 'repeatVector', n: 3 },
    input: [2, 4],
    params: {},
    reference: () => tfl.layers.repeatVector({ n: 3 }),
    order: [],
  },
  {
    name: 'dropout at inference is the identity',
    layer: { type: 'dropout', rate: 0.5 },
    input: [2, 6],
    params: {},
    reference: () => tfl.layers.dropout({ rate: 0.5 }),
    order: [],
  },
];

describe('layer forward passes match tfjs-layers with the same weights', () => {
  cases.forEach((c, index) => {
    it(c.name, () => {
      const layer = layerSchema.parse(c.layer);
      const x = random(c.input, 100 + index, 2);
      const params: Record<string, Tensor> = {};
      Object.entries(c.params).forEach(([k, shape], j) => {
        params[k] =
          k === 'movingVariance' || k === 'gamma'
            ? tf.add(1.5, random(shape, 7 * j + index, 0.5))
            : random(shape, 7 * j + index);
      });
      const reference = c.reference();
      const expected = reference.apply(x, { training: c.training ?? false }) as Tensor;
      if (c.order.length) reference.setWeights(c.order.map((k) => params[k]!));
      const want = reference.apply(x, { training: c.training ?? false }) as Tensor;
      expected.dispose();
      const got = ours(layer, x, params, c.training);
      expect(maxDiff(got, want)).toBeLessThan(1e-5);
    });
  });
});

describe('activations match their definitions', () => {
  const values = [-3, -1.5, -0.2, 0, 0.3, 1, 2.5];
  const reference: Record<string, (v: number) => number> = {
    linear: (v) => v,
    relu: (v) => Math.max(0, v),
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    tanh: Math.tanh,
    leakyRelu: (v) => (v > 0 ? v : LEAKY_RELU_ALPHA * v),
    elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
    selu: (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.exp(v) - 1)),
    softplus: (v) => Math.log1p(Math.exp(v)),
  };
  for (const activation of ACTIVATIONS) {
    it(activation, () => {
      const got = tf.tidy(() => applyActivation(tf, tf.tensor1d(values), activation).dataSync());
      values.forEach((v, i) => {
        expect(got[i]).toBeCloseTo(reference[activation]!(v), 5);
      });
    });
  }
});

describe('hand-computed cases', () => {
  it('dropout in training zeroes about `rate` of the values and scales the rest by 1 / (1 - rate)', () => {
    const layer = layerSchema.parse({ type: 'dropout', rate: 0.25 });
    const y = ours(layer, tf.ones([100, 40]), {}, true).dataSync();
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.25)).toBeLessThan(0.03);
    for (const v of y) if (v !== 0) expect(v).toBeCloseTo(1 / 0.75, 5);
  });

  it('upSampling2d repeats each pixel (nearest)', () => {
    const layer = layerSchema.parse({ type: 'upSampling2d', size: 2 });
    const y = ours(layer, tf.tensor([1, 2, 3, 4], [1, 2, 2, 1]), {}).dataSync();
    expect(Array.from(y)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('batchNorm in training updates the moving statistics with momentum', () => {
    const layer = layerSchema.parse({ type: 'batchNorm', momentum: 0.9 });
    const vars = {
      gamma: tf.variable(tf.ones([1])),
      beta: tf.variable(tf.zeros([1])),
      movingMean: tf.variable(tf.zeros([1]), false),
      movingVariance: tf.variable(tf.ones([1]), false),
    };
    const ctx: ForwardContext = { tf, training: true, nextSeed: () => 1, updateState: true };
    layerForward(ctx, layer, tf.tensor([[1], [3]]), (s) => vars[s as keyof typeof vars]);
    // batch mean 2, biased variance 1: moving = 0.9 * old + 0.1 * batch
    expect(vars.movingMean.dataSync()[0]).toBeCloseTo(0.2, 6);
    expect(vars.movingVariance.dataSync()[0]).toBeCloseTo(1, 6);
  });
});
