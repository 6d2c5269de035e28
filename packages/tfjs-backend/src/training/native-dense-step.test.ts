import { type ModelSpec, setLogger, validateSpec } from '@aekit/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blobImages, maxAbsDiff } from '../test-utils/data.js';
import { createTfjsBackend } from '../tfjs-backend.js';
import type { TfjsModel } from '../tfjs-model.js';
import { NativeDenseStep, whyNoNativeStep } from './native-dense-step.js';

const backend = createTfjsBackend({ device: 'wasm' });

beforeAll(async () => {
  setLogger({ info() {}, warn() {} });
  await backend.init();
});
afterEach(() => {
  delete process.env.AEKIT_NATIVE_DENSE;
});

const dense = (units: number[], extra: Partial<ModelSpec> = {}, useBias = true): ModelSpec =>
  validateSpec({
    name: 'native-step',
    inputShape: [28, 28, 1],
    encoder: [
      { type: 'flatten' },
      ...units.map((u) => ({ type: 'dense' as const, units: u, activation: 'relu' as const, useBias })),
    ],
    decoder: [
      ...units
        .slice(0, -1)
        .reverse()
        .map((u) => ({ type: 'dense' as const, units: u, activation: 'relu' as const, useBias })),
      { type: 'dense', units: 784, activation: 'sigmoid', useBias },
      { type: 'reshape', targetShape: [28, 28, 1] },
    ],
    loss: { reconstruction: 'bce' },
    ...extra,
  });

/** Trains `spec` from the same seed with the native step (on) or the engine's tfjs step (off). */
async function train(spec: ModelSpec, native: boolean, x: Float32Array, batchSize: number) {
  process.env.AEKIT_NATIVE_DENSE = native ? '1' : '0';
  const model = await backend.createModel(spec, { seed: 3 });
  try {
    // The step this compares applies to the spec (else both runs would be the engine's).
    const { tf, network } = model as unknown as TfjsModel;
    const step = NativeDenseStep.create(tf, network, batchSize);
    expect(step !== undefined).toBe(native);
    step?.dispose();
    const { history } = await model.fit({ x }, { epochs: 3, batchSize, learningRate: 3e-3, seed: 5 });
    return {
      losses: history.map((h) => h.loss),
      weights: model.getWeights(),
      state: model.getTrainingState(),
      out: await model.reconstruct(x.subarray(0, 8 * 784)),
    };
  } finally {
    model.dispose();
  }
}

describe("the trainer's native dense step", () => {
  const x = blobImages(100, 1);
  // 100 images in batches of 32: three full batches and a last one of 4. Dense stacks run the engine's kernels
  // in its order: bitwise the same. A VAE's sampling and KL term are computed in JavaScript (float64, rounded
  // to float32) where the engine runs tfjs ops: equal within rounding.
  const vae = (units: number[]) =>
    dense(units, {
      latent: { type: 'gaussian', dim: 8, beta: 1 },
      loss: { reconstruction: 'bce', reduction: 'sum' },
    });
  const noEncoderLayers: ModelSpec = { ...vae([8]), encoder: [{ type: 'flatten' }] };
  const cases: [string, ModelSpec, number][] = [
    ['dense, 784-32-784', dense([32]), 0],
    ['deep, 784-64-16-64-784, a linear code', withLinearCode(dense([64, 16])), 0],
    ['no biases, summed loss', dense([24], { loss: { reconstruction: 'bce', reduction: 'sum' } }, false), 0],
    ['a VAE, 784-64-(8, 8)-64-784', vae([64, 64]), 1e-5],
    ['a VAE without encoder layers, 784-(8, 8)-8-784', noEncoderLayers, 1e-5],
  ];
  for (const [label, spec, tolerance] of cases) {
    it(`trains as the engine's tfjs step does (${label})`, async () => {
      const [native, engine] = [await train(spec, true, x, 32), await train(spec, false, x, 32)];
      expect(native.losses[2]).toBeLessThan(native.losses[0]!);
      for (let e = 0; e < 3; e++) {
        const gap = Math.abs(native.losses[e]! - engine.losses[e]!);
        expect(gap).toBeLessThanOrEqual(tolerance * engine.losses[e]!);
      }
      native.weights.forEach((w, i) => {
        expect(w.name).toBe(engine.weights[i]!.name);
        expect(maxAbsDiff(w.data, engine.weights[i]!.data)).toBeLessThanOrEqual(tolerance);
      });
      // Adam's moments and step count, as a checkpoint saves them.
      expect(native.state.step).toBe(engine.state.step);
      native.state.optimizer!.forEach((slot, i) => {
        expect(slot.name).toBe(engine.state.optimizer![i]!.name);
        expect(maxAbsDiff(slot.data, engine.state.optimizer![i]!.data)).toBeLessThanOrEqual(tolerance);
      });
      expect(maxAbsDiff(native.out, engine.out)).toBeLessThanOrEqual(tolerance);
    }, 60_000);
  }

  it('reads the weights it updated in place after setWeights', async () => {
    const model = await backend.createModel(dense([16]), { seed: 1 });
    model.setWeights(model.getWeights());
    const before = model.getWeights()[0]!.data.slice();
    await model.fit({ x }, { epochs: 1, batchSize: 50, seed: 1 });
    expect(maxAbsDiff(model.getWeights()[0]!.data, before)).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('applies to dense stacks with a sigmoid output and bce only, saying why not', () => {
    expect(whyNoNativeStep(dense([32]))).toBeUndefined();
    expect(whyNoNativeStep(dense([32], { loss: { reconstruction: 'mse', reduction: 'mean' } }))).toBe(
      'the mse loss',
    );
    expect(whyNoNativeStep(dense([32], { regularizers: [{ type: 'l1Activity', weight: 1e-3 }] }))).toBe(
      'regularisers (l1Activity)',
    );
    const tanh = dense([32]);
    tanh.encoder[1] = { type: 'dense', units: 32, activation: 'tanh', useBias: true };
    expect(whyNoNativeStep(tanh)).toBe('a tanh hidden layer');
  });
});

/** The spec with its last encoder layer linear (a linear code, as PCA-like models have). */
function withLinearCode(spec: ModelSpec): ModelSpec {
  const encoder = [...spec.encoder];
  const last = encoder.at(-1)!;
  if (last.type === 'dense') encoder[encoder.length - 1] = { ...last, activation: 'linear' };
  return { ...spec, encoder };
}
