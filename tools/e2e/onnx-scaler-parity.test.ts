// Preprocessing inside the model, on real data and trained models: the checkpoint's network (tfjs) with its
// fitted scaler against the ONNX export fed raw values. A table (breast cancer, z-score per feature) and RGB
// photo patches (min-max per channel) and windows of the ECG record (z-score, the Conv1D model), each trained
// briefly, saved, loaded, exported, compared.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Autoencoder, type ModelSpec, scaleValues, validateSpec } from '@aekit/core';
import { loadTrainableModel, saveTrainableModel } from '@aekit/core/node';
import { fitScaler, loadBreastCancer, loadColorPatches, loadEcg, windowSeries } from '@aekit/datasets';
import { AnomalyDetector } from '@aekit/eval/anomaly';
import { conv1dAutoencoder, convAutoencoder, deepAutoencoder } from '@aekit/models';
import { createSession, exportOnnx, modelParity } from '@aekit/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfjs } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-scaler-parity-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function parity(label: string, base: ModelSpec, raw: Float32Array, type: 'minmax' | 'zscore') {
  const last = base.inputShape[base.inputShape.length - 1]!;
  const spec = validateSpec({ ...base, scaler: fitScaler(type, raw, last) });
  const model = await tfjs().createModel(spec, { seed: 1 });
  await model.fit({ x: scaleValues(spec.scaler!, raw) }, { epochs: 2, batchSize: 32, learningRate: 0.003 });
  const dir = join(root, label);
  await saveTrainableModel(dir, model);
  model.dispose();
  const loaded = await loadTrainableModel(dir, tfjs(), { forTraining: false });
  try {
    expect(loaded.spec.scaler).toEqual(spec.scaler);
    const diffs: Record<string, number> = {};
    for (const part of ['full', 'encoder', 'decoder'] as const) {
      const session = await createSession(exportOnnx(loaded.spec, loaded.getWeights(), { part }).bytes);
      const input = part === 'decoder' ? await loaded.encode(scaleValues(spec.scaler!, raw)) : raw;
      const r = await modelParity(loaded, session, input);
      await session.dispose();
      expect(r.units).toBe('scaled');
      diffs[part] = r.maxAbsDiff;
    }
    return diffs;
  } finally {
    loaded.dispose();
  }
}

/** The breast-cancer tables' model: 30 features -> 16 -> 5, linear output, MSE. */
const tableBase = (): ModelSpec =>
  deepAutoencoder({ inputShape: [30], hidden: [16], latentDim: 5, outputActivation: 'linear', loss: 'mse' });

describe('raw values into the ONNX export = the checkpoint with its scaler', () => {
  it('a table: deep autoencoder on 569 rows of breast cancer, z-score per feature', async () => {
    const { features } = loadBreastCancer();
    for (const [part, diff] of Object.entries(await parity('table', tableBase(), features, 'zscore')))
      expect(diff, part).toBeLessThanOrEqual(1e-5);
  }, 60_000);

  it('images: conv autoencoder on 200 RGB 16x16 photo patches, min-max per channel', async () => {
    const { images } = loadColorPatches({ size: 16, count: 200, seed: 1 });
    const base = convAutoencoder({ inputShape: [16, 16, 3], filters: [8, 4] });
    for (const [part, diff] of Object.entries(await parity('image', base, images, 'minmax')))
      expect(diff, part).toBeLessThanOrEqual(1e-5);
  }, 60_000);

  it('a series: Conv1D autoencoder on 300 windows of 64 steps of the ECG record (mV), z-score', async () => {
    const { signal } = loadEcg();
    const { data } = windowSeries(signal.subarray(0, 300 * 64), { window: 64 });
    const base = conv1dAutoencoder({ timesteps: 64, features: 1, filters: [8, 8], latentDim: 8 });
    for (const [part, diff] of Object.entries(await parity('series', base, data, 'zscore')))
      expect(diff, part).toBeLessThanOrEqual(1e-5);
  }, 60_000);
});

describe('AnomalyDetector on the ONNX session of a scaled model = on the checkpoint', () => {
  it('breast cancer (z-score): the session takes raw values (rawValues), the detector does not scale twice', async () => {
    const { features } = loadBreastCancer();
    const spec = validateSpec({ ...tableBase(), scaler: fitScaler('zscore', features, 30) });
    const model = await tfjs().createModel(spec, { seed: 2 });
    const fit = features.subarray(0, 300 * 30);
    const cal = features.subarray(300 * 30, 450 * 30);
    const unseen = features.subarray(450 * 30);
    await model.fit({ x: scaleValues(spec.scaler!, fit) }, { epochs: 3, batchSize: 32, learningRate: 0.003 });
    const session = await createSession(exportOnnx(model.spec, model.getWeights()).bytes);
    try {
      expect(session.rawValues).toBe(true);
      for (const score of ['mse', 'nmse+latent-knn'] as const) {
        const scores = async (m: Autoencoder) => {
          const d = new AnomalyDetector(m, { score, threshold: { fpr: 0.05 } });
          await d.fit(fit);
          await d.calibrate(cal);
          return (await d.score(unseen)).scores;
        };
        const [a, b] = [await scores(model), await scores(session)];
        let rel = 0;
        for (let i = 0; i < a.length; i++)
          rel = Math.max(rel, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
        expect(rel, score).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      await session.dispose();
      model.dispose();
    }
  }, 60_000);
});
