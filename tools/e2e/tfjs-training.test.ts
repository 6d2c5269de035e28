import {
  createCorruption,
  createRng,
  DataError,
  type ModelSpec,
  ShapeMismatchError,
  setLogger,
  TrainingDivergedError,
  validateSpec,
} from '@aekit/core';
import { meanMse as mse } from '@aekit/eval/metrics';
import { convAutoencoder, denseAutoencoder, vae } from '@aekit/models';
import { createTfjsBackend, sampleLatent, type TfjsModel } from '@aekit/tfjs-backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { fashionImages as fashion } from './helpers.js';

const backend = createTfjsBackend({ device: 'wasm' });
beforeAll(async () => {
  setLogger({ info() {}, warn() {} });
  await backend.init();
});

/** Tensor counts after each epoch of a 3-epoch fit. */
async function tensorsPerEpoch(model: TfjsModel, x: Float32Array, extra: Record<string, unknown> = {}) {
  const counts: number[] = [];
  await model.fit(
    { x },
    {
      epochs: 3,
      batchSize: 16,
      seed: 1,
      ...extra,
      callbacks: { onEpochEnd: () => void counts.push(model.tf.memory().numTensors) },
    },
  );
  return counts;
}

function randomImages(n: number, shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * shape.reduce((a, b) => a * b, 1) }, () => rng.next());
}

describe('no tensor leaks', () => {
  const specs: Record<string, () => ModelSpec> = {
    dense: () => denseAutoencoder({ inputShape: [8, 8, 1], latentDim: 4 }),
    conv: () =>
      validateSpec({
        name: 'conv-all-layers',
        inputShape: [8, 8, 1],
        encoder: [
          { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
          { type: 'batchNorm' },
          { type: 'maxPool2d', poolSize: 2 },
          { type: 'dropout', rate: 0.2 },
          { type: 'conv2d', filters: 2, kernelSize: 3, strides: 2, activation: 'leakyRelu' },
        ],
        decoder: [
          { type: 'conv2dTranspose', filters: 4, kernelSize: 3, strides: 2, activation: 'elu' },
          { type: 'upSampling2d', size: 2 },
          { type: 'conv2d', filters: 1, kernelSize: 3, activation: 'sigmoid' },
        ],
        loss: { reconstruction: 'bce' },
        regularizers: [
          { type: 'l1Activity', weight: 1e-3 },
          { type: 'l2Weights', weight: 1e-4 },
        ],
      }),
    vae: () => vae({ inputShape: [8, 8, 1], latentDim: 2, hiddenUnits: 16 }),
    lstm: () =>
      validateSpec({
        name: 'seq',
        inputShape: [5, 2],
        encoder: [{ type: 'lstm', units: 3 }],
        decoder: [
          { type: 'repeatVector', n: 5 },
          { type: 'lstm', units: 2, returnSequences: true },
        ],
        loss: { reconstruction: 'mse' },
        regularizers: [{ type: 'contractive', weight: 0.1 }],
      }),
  };
  for (const [name, make] of Object.entries(specs)) {
    it(`${name}: the tensor count after epoch 3 equals the one after epoch 1, and dispose frees everything`, async () => {
      const before = backend.tf().memory().numTensors;
      const spec = make();
      const model = await backend.createModel(spec, { seed: 1 });
      const shape = spec.inputShape;
      const x = randomImages(48, shape, 2);
      const counts = await tensorsPerEpoch(model, x, { validation: { x: x.subarray(0, x.length / 4) } });
      expect(counts[2]).toBe(counts[0]);
      await model.encode(x);
      await model.reconstruct(x);
      expect(model.tf.memory().numTensors).toBe(counts[0]);
      model.dispose();
      expect(model.tf.memory().numTensors).toBe(before);
    });
  }
});

describe('training on real data', () => {
  it('the dense autoencoder learns Fashion-MNIST: test MSE < 0.05 and < 1/3 of the untrained one', async () => {
    const train = await fashion('train', 3000);
    const test = await fashion('test', 500);
    const model = await backend.createModel(denseAutoencoder(), { seed: 42 });
    const untrained = mse(await model.reconstruct(test), test);
    const result = await model.fit(
      { x: train },
      { epochs: 5, batchSize: 64, learningRate: 2e-3, seed: 7, validation: { x: test } },
    );
    const trained = mse(await model.reconstruct(test), test);
    console.log(
      `dense AE on 3000 Fashion-MNIST images, 5 epochs: test MSE ${trained.toFixed(4)} (untrained ${untrained.toFixed(4)}), bce ${result.history.map((h) => h.loss.toFixed(4)).join(' ')}`,
    );
    expect(trained).toBeLessThan(0.05);
    expect(trained).toBeLessThan(untrained / 3);
    expect(result.history.at(-1)!.valLoss).toBeLessThan(result.history[0]!.valLoss!);
    expect(result.step).toBe(5 * Math.ceil(3000 / 64));
    model.dispose();
  });

  it.each([
    ['dense (sigmoid dense, then reshape)', denseAutoencoder],
    ['conv (sigmoid conv2d)', convAutoencoder],
  ])('%s: the bce loss from logits equals bce of the reconstructions', async (_label, makeSpec) => {
    const x = await fashion('test', 64);
    const model = await backend.createModel(makeSpec(), { seed: 3 });
    const p = await model.reconstruct(x);
    // float64 bce of the sigmoid outputs, probabilities clipped to [1e-7, 1 - 1e-7], mean over values.
    let sum = 0;
    p.forEach((q, i) => {
      const c = Math.min(Math.max(q, 1e-7), 1 - 1e-7);
      sum -= x[i]! * Math.log(c) + (1 - x[i]!) * Math.log(1 - c);
    });
    const { loss } = await model.evaluate({ x });
    expect(Math.abs(loss - sum / p.length) / (sum / p.length)).toBeLessThan(1e-5);
    model.dispose();
  });

  it("the VAE's KL term is > 0, falls after its peak, and a larger beta lowers it", async () => {
    const x = await fashion('train', 1000);
    const run = async (beta: number) => {
      const model = await backend.createModel(vae({ latentDim: 8, hiddenUnits: 128, beta }), { seed: 1 });
      const { history } = await model.fit({ x }, { epochs: 4, batchSize: 50, learningRate: 1e-3, seed: 3 });
      return { model, history, kl: history.map((h) => h.terms.kl! / beta) };
    };
    const { model, history, kl } = await run(1);
    console.log(
      `VAE (beta 1) KL per epoch: ${kl.map((v) => v.toFixed(2)).join(' ')}, reconstruction: ${history.map((h) => h.terms.reconstruction!.toFixed(1)).join(' ')}`,
    );
    expect(kl.every((v) => v > 0)).toBe(true);
    // KL rises while the encoder starts to use the code, then falls as training trades it off.
    expect(kl.at(-1)).toBeLessThan(Math.max(...kl));
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
    expect(history.at(-1)!.loss).toBeCloseTo(
      history.at(-1)!.terms.reconstruction! + history.at(-1)!.terms.kl!,
      3,
    );
    const { mean, logVar } = await model.encodeDistribution(x.subarray(0, 10 * 784));
    expect(mean.length).toBe(80);
    expect(logVar.length).toBe(80);
    expect(Array.from(await model.encode(x.subarray(0, 10 * 784)))).toEqual(Array.from(mean));
    const z = sampleLatent(model, 4, 1);
    expect(z.length).toBe(32);
    expect(Array.from(z)).toEqual(Array.from(sampleLatent(model, 4, 1)));
    const generated = await model.decode(z);
    expect(generated.length).toBe(4 * 784);
    expect(generated.every((v) => v > 0 && v < 1)).toBe(true);
    model.dispose();
    const strong = await run(4);
    console.log(`VAE (beta 4) KL per epoch: ${strong.kl.map((v) => v.toFixed(2)).join(' ')}`);
    expect(strong.kl.at(-1)).toBeLessThan(0.6 * kl.at(-1)!);
    strong.model.dispose();
  });
});

describe('fit options', () => {
  const spec = denseAutoencoder({ inputShape: [8, 8, 1], latentDim: 4 });
  const x = randomImages(64, [8, 8, 1], 5);

  it('the same seed gives the same weights; shuffling follows the seed', async () => {
    const run = async (seed: number) => {
      const m = await backend.createModel(spec, { seed: 1 });
      await m.fit({ x }, { epochs: 2, batchSize: 8, seed });
      const w = m.getWeights()[0]!.data;
      m.dispose();
      return w;
    };
    const a = await run(1);
    const b = await run(1);
    const c = await run(2);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const model = await backend.createModel(spec, { seed: 1 });
    let best: Float32Array | undefined;
    let bestLoss = Number.POSITIVE_INFINITY;
    const result = await model.fit(
      { x },
      {
        epochs: 50,
        batchSize: 8,
        learningRate: 0.5,
        validation: { x },
        earlyStopping: { patience: 2, minDelta: 0, restoreBest: true },
        callbacks: {
          onEpochEnd: (m) => {
            if (m.valLoss! < bestLoss) {
              bestLoss = m.valLoss!;
              best = model.getWeights()[0]!.data;
            }
          },
        },
      },
    );
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(50);
    expect(result.history.length - result.bestEpoch).toBe(2);
    expect(Array.from(model.getWeights()[0]!.data)).toEqual(Array.from(best!));
    expect((await model.evaluate({ x })).loss).toBeCloseTo(bestLoss, 5);
    model.dispose();
  });

  it('calls onBatchEnd per batch, passes corrupted inputs with clean targets, and stops on abort', async () => {
    const model = await backend.createModel(
      { ...spec, corruption: { type: 'gaussian', std: 0.3 } },
      { seed: 1 },
    );
    // Without `corrupt`, the trainer applies the spec's own corruption: the same losses as passing it.
    const noisy = { ...spec, corruption: { type: 'gaussian', std: 0.3 } } as const;
    const settings = { epochs: 1, batchSize: 16, seed: 5 };
    const losses: number[] = [];
    for (const [s, corrupt] of [
      [noisy, undefined],
      [noisy, createCorruption(noisy.corruption, noisy.inputShape)],
      [spec, undefined],
    ] as const) {
      const m = await backend.createModel(s, { seed: 1 });
      losses.push((await m.fit({ x }, { ...settings, ...(corrupt ? { corrupt } : {}) })).history[0]!.loss);
      m.dispose();
    }
    expect(losses[0]).toBe(losses[1]);
    expect(losses[0]).not.toBe(losses[2]);
    const controller = new AbortController();
    const batches: number[] = [];
    let corrupted = 0;
    const result = await model.fit(
      { x },
      {
        epochs: 3,
        batchSize: 16,
        corrupt: (batch) => {
          corrupted += batch.length;
          batch.fill(0);
        },
        signal: controller.signal,
        callbacks: {
          onBatchEnd: (info) => {
            batches.push(info.batch);
            if (info.epoch === 2 && info.batch === 2) controller.abort();
          },
        },
      },
    );
    expect(batches).toEqual([1, 2, 3, 4, 1, 2]);
    expect(corrupted).toBe(6 * 16 * 64);
    expect(result.aborted).toBe(true);
    expect(result.history.length).toBe(1);
    expect(result.step).toBe(6);
    // Inputs were all zeros, targets the clean images: the loss is against x, not against zeros.
    expect(result.history[0]!.terms.reconstruction).toBeGreaterThan(0.5);
    model.dispose();
  });

  it('refuses data holding NaN before the first step, naming how many values and where', async () => {
    const model = await backend.createModel(spec);
    const bad = x.slice();
    bad[5] = Number.NaN;
    bad[64 * 3 + 1] = Number.POSITIVE_INFINITY;
    const error = await model.fit({ x: bad }, { epochs: 5, batchSize: 64 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(
      /fit data.x: 2 of \d+ values are not finite \(1 NaN, 1 ±Infinity\), at index 5 \(sample 0, value 5\), index 193 \(sample 3, value 1\); clean or drop those samples before training/,
    );
    expect(model.step).toBe(0);
    model.dispose();
  });

  it('stops at the step where the loss stops being finite, with a typed error saying where and what to do', async () => {
    const linear = validateSpec({
      name: 'linear',
      inputShape: [8, 8, 1],
      encoder: [{ type: 'flatten' }, { type: 'dense', units: 4, activation: 'linear' }],
      decoder: [
        { type: 'dense', units: 64, activation: 'linear' },
        { type: 'reshape', targetShape: [8, 8, 1] },
      ],
      loss: { reconstruction: 'mse' },
    });
    const model = await backend.createModel(linear, { seed: 1 });
    const epochs: number[] = [];
    const error = await model
      .fit(
        { x },
        {
          epochs: 5,
          batchSize: 16,
          learningRate: 1e12,
          callbacks: { onEpochEnd: (m) => void epochs.push(m.epoch) },
        },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const { details, message } = error as TrainingDivergedError;
    expect(message).toMatch(
      /training diverged in epoch 1 at step \d+ \(batch \d+ of 4\): loss (NaN|Infinity)/,
    );
    expect(message).toMatch(/lower the learning rate \(now 1000000000000\)/);
    // It stopped at that step, not at the end of an epoch.
    expect(details.step).toBe(model.step);
    expect(model.step).toBeLessThan(4);
    expect(epochs).toEqual([]);
    model.dispose();
  });

  it('rejects inputs of the wrong length with ShapeMismatchError naming the shapes', async () => {
    const model = await backend.createModel(spec);
    await expect(model.encode(new Float32Array(65))).rejects.toThrow(ShapeMismatchError);
    await expect(model.decode(new Float32Array(7))).rejects.toThrow(/\[4\]/);
    await expect(model.fit({ x, y: x.subarray(0, 64 * 32) }, { epochs: 1 })).rejects.toThrow(/32 samples/);
    expect(() => model.setWeights(model.getWeights().slice(1))).toThrow(/missing weight "encoder.1.kernel"/);
    expect(model.getWeights().map((w) => w.name)).toEqual([
      'encoder.1.kernel',
      'encoder.1.bias',
      'decoder.0.kernel',
      'decoder.0.bias',
    ]);
    model.dispose();
  });
});
