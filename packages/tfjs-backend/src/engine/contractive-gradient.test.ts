import { setLogger, validateSpec } from '@aekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend } from '../tfjs-backend.js';

beforeAll(() => {
  setLogger({ info() {}, warn() {} });
});

describe('contractive penalty', () => {
  it("the contractive penalty's gradient (double backpropagation) matches central finite differences", async () => {
    const js = createTfjsBackend({ device: 'js' });
    const model = await js.createModel(
      validateSpec({
        name: 'd',
        inputShape: [5],
        encoder: [
          { type: 'dense', units: 4, activation: 'tanh' },
          { type: 'dense', units: 3, activation: 'sigmoid' },
          { type: 'dense', units: 3, activation: 'elu' },
        ],
        decoder: [{ type: 'dense', units: 5, activation: 'sigmoid' }],
        loss: { reconstruction: 'mse' },
      }),
      { seed: 2 },
    );
    const { tf, network } = model;
    const x = tf.randomUniform([6, 5], 0, 1, 'float32', 3);
    const penalty = () =>
      tf.tidy(() => {
        const ctx = model.context();
        return network.jacobianNorm(ctx, x, network.encode(ctx, x).code, true) as never;
      });
    const variable = network.param('encoder.0.kernel');
    const { grads } = tf.variableGrads(penalty, [variable]);
    const autodiff = grads[variable.name]!.dataSync();
    const data = (variable.dataSync() as Float32Array).slice();
    const at = (i: number, delta: number) => {
      const moved = data.slice();
      moved[i]! += delta;
      variable.assign(tf.tensor(moved, variable.shape));
      return (penalty() as unknown as { dataSync(): Float32Array }).dataSync()[0]!;
    };
    for (const i of [0, 3, 9, 17]) {
      const fd = (at(i, 1e-3) - at(i, -1e-3)) / 2e-3;
      expect(Math.abs(autodiff[i]! - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
    }
    model.dispose();
  });
});
