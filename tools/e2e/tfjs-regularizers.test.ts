import { setLogger, validateSpec } from '@aekit/core';
import { createTfjsBackend, jacobianFrobenius } from '@aekit/tfjs-backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { fashionImages as fashion } from './helpers.js';

const backend = createTfjsBackend({ device: 'wasm' });
let x: Float32Array;

beforeAll(async () => {
  setLogger({ info() {}, warn() {} });
  await backend.init();
  // 14x14 crops would lose the data's nature; use 600 full images, flattened by the spec.
  x = await fashion('train', 600);
});

function denseSpec(regularizers: unknown[], activation = 'relu', units = 16) {
  return validateSpec({
    name: 'reg',
    inputShape: [28, 28, 1],
    encoder: [{ type: 'flatten' }, { type: 'dense', units, activation }],
    decoder: [
      { type: 'dense', units: 784, activation: 'sigmoid' },
      { type: 'reshape', targetShape: [28, 28, 1] },
    ],
    loss: { reconstruction: 'bce' },
    regularizers,
  });
}

async function meanAbsCode(regularizers: unknown[]): Promise<number> {
  const model = await backend.createModel(denseSpec(regularizers), { seed: 3 });
  await model.fit({ x }, { epochs: 4, batchSize: 50, learningRate: 3e-3, seed: 1 });
  const code = await model.encode(x);
  model.dispose();
  return code.reduce((s, v) => s + Math.abs(v), 0) / code.length;
}

describe('regularisers', () => {
  it('an L1 activity penalty lowers the mean code activation', async () => {
    const plain = await meanAbsCode([]);
    const sparse = await meanAbsCode([{ type: 'l1Activity', weight: 1e-2 }]);
    expect(sparse).toBeLessThan(0.5 * plain);
  });

  it('KL sparsity pulls the mean sigmoid activation towards rho', async () => {
    const spec = denseSpec([{ type: 'klSparsity', rho: 0.05, weight: 1 }], 'sigmoid');
    const model = await backend.createModel(spec, { seed: 3 });
    const before = await model.encode(x);
    const fit = await model.fit({ x }, { epochs: 4, batchSize: 50, learningRate: 3e-3, seed: 1 });
    const after = await model.encode(x);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(after) - 0.05)).toBeLessThan(0.5 * Math.abs(mean(before) - 0.05));
    expect(fit.history[0]!.terms.klSparsity).toBeGreaterThan(fit.history.at(-1)!.terms.klSparsity!);
    model.dispose();
  });

  it('a contractive penalty lowers the measured Jacobian norm (closed form, dense sigmoid)', async () => {
    const train = async (regularizers: unknown[]) => {
      const model = await backend.createModel(denseSpec(regularizers, 'sigmoid'), { seed: 3 });
      const fit = await model.fit({ x }, { epochs: 3, batchSize: 50, learningRate: 1e-3, seed: 1 });
      const norm = await jacobianFrobenius(model, x.subarray(0, 200 * 784));
      model.dispose();
      return { norm, fit };
    };
    const plain = await train([]);
    const contractive = await train([{ type: 'contractive', weight: 1 }]);
    expect(contractive.fit.history.at(-1)!.terms.contractive).toBeGreaterThan(0);
    // Sigmoid codes saturate on raw pixels, which already shrinks the plain model's Jacobian (0.086 here).
    expect(contractive.norm).toBeLessThan(0.8 * plain.norm);
  });

  it('a contractive penalty on a deeper encoder (random-projection estimate) lowers the Jacobian norm', async () => {
    const spec = (regularizers: unknown[]) =>
      validateSpec({
        name: 'deep-cae',
        inputShape: [28, 28, 1],
        encoder: [
          { type: 'flatten' },
          { type: 'dense', units: 32, activation: 'relu' },
          { type: 'dense', units: 12, activation: 'linear' },
        ],
        decoder: [
          { type: 'dense', units: 784, activation: 'sigmoid' },
          { type: 'reshape', targetShape: [28, 28, 1] },
        ],
        loss: { reconstruction: 'bce' },
        regularizers,
      });
    const train = async (regularizers: unknown[]) => {
      const model = await backend.createModel(spec(regularizers), { seed: 5 });
      await model.fit({ x }, { epochs: 3, batchSize: 50, learningRate: 3e-3, seed: 1 });
      const norm = await jacobianFrobenius(model, x.subarray(0, 100 * 784));
      model.dispose();
      return norm;
    };
    const plain = await train([]);
    const contractive = await train([{ type: 'contractive', weight: 0.1 }]);
    expect(contractive).toBeLessThan(0.2 * plain);
  });

  it('jacobianFrobenius agrees with the closed form and with finite differences', async () => {
    const model = await backend.createModel(denseSpec([], 'sigmoid', 4), { seed: 9 });
    const one = x.subarray(0, 784);
    const exact = await jacobianFrobenius(model, one);
    const base = await model.encode(one);
    let fd = 0;
    const h = 1e-2;
    for (let i = 0; i < 784; i += 1) {
      const moved = one.slice();
      moved[i]! += h;
      const code = await model.encode(moved);
      for (let j = 0; j < 4; j++) fd += ((code[j]! - base[j]!) / h) ** 2;
    }
    expect(Math.abs(exact - fd) / fd).toBeLessThan(0.02);
    model.dispose();
  });

  it('l2Weights is reported and shrinks the kernels', async () => {
    const norm = async (regularizers: unknown[]) => {
      const model = await backend.createModel(denseSpec(regularizers), { seed: 3 });
      const fit = await model.fit({ x }, { epochs: 2, batchSize: 50, learningRate: 3e-3, seed: 1 });
      const sq = model
        .getWeights()
        .filter((w) => w.name.endsWith('kernel'))
        .reduce((s, w) => s + w.data.reduce((a, v) => a + v * v, 0), 0);
      model.dispose();
      return { sq, term: fit.history.at(-1)!.terms.l2Weights };
    };
    const plain = await norm([]);
    const l2 = await norm([{ type: 'l2Weights', weight: 1e-3 }]);
    expect(plain.term).toBeUndefined();
    expect(l2.term).toBeGreaterThan(0);
    expect(l2.sq).toBeLessThan(0.8 * plain.sq);
  });
});
