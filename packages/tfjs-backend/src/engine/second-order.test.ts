import { ACTIVATIONS, type LayerInput, OptionError, setLogger, validateSpec } from '@aekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend } from '../tfjs-backend.js';
import type { TfjsModel } from '../tfjs-model.js';

const backend = createTfjsBackend({ device: 'js' });
beforeAll(async () => {
  setLogger({ info() {}, warn() {} });
  await backend.init();
});

/** Max relative error of d(contractive penalty)/d(first kernel) against central finite differences. */
function gradientError(model: TfjsModel, inputShape: number[]): number {
  const { tf, network } = model;
  const x = tf.randomUniform([3, ...inputShape], 0, 1, 'float32', 3);
  const penalty = () =>
    tf.tidy(() => {
      const ctx = model.context();
      return network.jacobianNorm(ctx, x, network.encode(ctx, x).code, true) as never;
    });
  const variable = network.trainable[0]!;
  const { grads, value } = tf.variableGrads(penalty, [variable]);
  const autodiff = grads[variable.name]!.dataSync();
  value.dispose();
  const data = (variable.dataSync() as Float32Array).slice();
  const at = (i: number, delta: number) => {
    const moved = data.slice();
    moved[i]! += delta;
    variable.assign(tf.tensor(moved, variable.shape));
    const p = penalty() as unknown as { dataSync(): Float32Array; dispose(): void };
    const v = p.dataSync()[0]!;
    p.dispose();
    return v;
  };
  let worst = 0;
  for (const i of [0, 1, 4, 7]) {
    const h = 2e-3;
    const fd = (at(i, h) - at(i, -h)) / (2 * h);
    worst = Math.max(worst, Math.abs(autodiff[i]! - fd) / Math.max(0.05, Math.abs(fd)));
  }
  variable.assign(tf.tensor(data, variable.shape));
  x.dispose();
  return worst;
}

async function check(encoder: LayerInput[], inputShape: number[], code: number): Promise<number> {
  const spec = validateSpec({
    name: 'so',
    inputShape,
    encoder,
    decoder: [
      { type: 'flatten' },
      { type: 'dense', units: inputShape.reduce((a, b) => a * b, 1) },
      { type: 'reshape', targetShape: inputShape },
    ],
    loss: { reconstruction: 'mse' },
  });
  expect(code).toBeGreaterThan(0);
  const model = await backend.createModel(spec, { seed: 4 });
  const error = gradientError(model, inputShape);
  model.dispose();
  return error;
}

describe('double backpropagation (contractive penalty gradients) matches finite differences', () => {
  for (const activation of ACTIVATIONS) {
    it(`dense ${activation}`, async () => {
      const error = await check(
        [
          { type: 'dense', units: 4, activation },
          { type: 'dense', units: 3, activation },
        ],
        [5],
        3,
      );
      expect(error).toBeLessThan(2e-2);
    });
  }
  it('conv2d + batchNorm + dropout + maxPool2d', async () => {
    const error = await check(
      [
        { type: 'conv2d', filters: 2, kernelSize: 3, activation: 'tanh' },
        { type: 'batchNorm' },
        { type: 'dropout', rate: 0.3 },
        { type: 'maxPool2d', poolSize: 2 },
        { type: 'conv2d', filters: 1, kernelSize: 3, strides: 2, activation: 'sigmoid' },
        { type: 'flatten' },
      ],
      [6, 6, 1],
      4,
    );
    expect(error).toBeLessThan(2e-2);
  });
  it('lstm', async () => {
    const error = await check([{ type: 'lstm', units: 3 }], [4, 2], 3);
    expect(error).toBeLessThan(2e-2);
  });
  it('rejects a contractive encoder with overlapping max-pool windows, naming the layer', async () => {
    const spec = validateSpec({
      name: 'overlap',
      inputShape: [6, 6, 1],
      encoder: [
        { type: 'maxPool2d', poolSize: 3, strides: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
      decoder: [
        { type: 'dense', units: 36 },
        { type: 'reshape', targetShape: [6, 6, 1] },
      ],
      loss: { reconstruction: 'mse' },
      regularizers: [{ type: 'contractive', weight: 1 }],
    });
    await expect(backend.createModel(spec)).rejects.toThrow(OptionError);
    await expect(backend.createModel(spec)).rejects.toThrow(/encoder\[0\] \(maxPool2d, pool 3, strides 1/);
  });
});
