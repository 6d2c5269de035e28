import { type ModelSpec, setLogger, validateSpec } from '@aekit/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blobImages, maxAbsDiff } from '../test-utils/data.js';
import { createTfjsBackend } from '../tfjs-backend.js';
import type { TfjsModel } from '../tfjs-model.js';
import { NativeDensePredict } from './native-dense-predict.js';

const backend = createTfjsBackend({ device: 'wasm' });

beforeAll(async () => {
  setLogger({ info() {}, warn() {} });
  await backend.init();
});
afterEach(() => {
  delete process.env.AEKIT_NATIVE_DENSE;
});

const spec = (latent: ModelSpec['latent'], output: 'sigmoid' | 'linear'): ModelSpec =>
  validateSpec({
    name: 'native-predict',
    inputShape: [28, 28, 1],
    encoder: [
      { type: 'flatten' },
      { type: 'dense', units: 48, activation: 'relu' },
      { type: 'dense', units: 12, activation: latent.type === 'gaussian' ? 'relu' : 'linear' },
    ],
    latent,
    decoder: [
      { type: 'dense', units: 40, activation: 'relu', useBias: false },
      { type: 'dense', units: 784, activation: output },
      { type: 'reshape', targetShape: [28, 28, 1] },
    ],
    loss: { reconstruction: output === 'sigmoid' ? 'bce' : 'mse' },
  });

/** A model of `s` with random-ish trained weights, its inference native (or the engine's tfjs ops). */
async function model(s: ModelSpec, native: boolean, weightsFrom?: TfjsModel) {
  process.env.AEKIT_NATIVE_DENSE = native ? '1' : '0';
  const m = (await backend.createModel(s, { seed: 2 })) as unknown as TfjsModel;
  if (weightsFrom) m.setWeights(weightsFrom.getWeights());
  return m;
}

describe("a dense stack's native inference", () => {
  // 300 images: one call of 256 and one of 44.
  const x = blobImages(300, 7);
  for (const [label, s] of [
    ['deterministic, sigmoid output', spec({ type: 'deterministic' }, 'sigmoid')],
    ['deterministic, linear output', spec({ type: 'deterministic' }, 'linear')],
    ['VAE (encode: the mean)', spec({ type: 'gaussian', dim: 6, beta: 1 }, 'sigmoid')],
  ] as const) {
    it(`gives the engine's values bitwise (${label})`, async () => {
      const engine = await model(s, false);
      await engine.fit({ x: x.subarray(0, 64 * 784) }, { epochs: 1, batchSize: 32, seed: 1 });
      const native = await model(s, true, engine);
      const { tf, network } = native;
      const applies = NativeDensePredict.create(tf, network, 4);
      expect(applies).toBeDefined();
      applies?.dispose();
      expect(maxAbsDiff(await native.reconstruct(x), await engine.reconstruct(x))).toBe(0);
      const code = await engine.encode(x);
      expect(code.length).toBe(300 * (s.latent.type === 'gaussian' ? 6 : 12));
      expect(maxAbsDiff(await native.encode(x), code)).toBe(0);
      expect(maxAbsDiff(await native.decode(code), await engine.decode(code))).toBe(0);
      expect((await native.reconstruct(new Float32Array(0))).length).toBe(0);
      await expect(native.reconstruct(new Float32Array(785))).rejects.toThrow(/reconstruct input/);
      engine.dispose();
      native.dispose();
    }, 60_000);
  }

  it('does not apply to other layers (the engine computes them)', async () => {
    const conv = validateSpec({
      name: 'conv',
      inputShape: [8, 8, 1],
      encoder: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'flatten' }],
      decoder: [
        { type: 'dense', units: 64, activation: 'sigmoid' },
        { type: 'reshape', targetShape: [8, 8, 1] },
      ],
      loss: { reconstruction: 'bce' },
    });
    const m = await model(conv, true);
    expect(NativeDensePredict.create(m.tf, m.network, 4)).toBeUndefined();
    m.dispose();
  });
});
