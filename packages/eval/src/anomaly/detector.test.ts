import type { Autoencoder, ModelSpec } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { Pca } from '../baselines/pca.js';
import { negativeElbo } from '../metrics/elbo.js';
import { table } from '../test-utils.js';
import { AnomalyDetector } from './detector.js';
import { parseDetectorFile } from './detector-file.js';

const D = 6;
const COLUMNS = ['a', 'b', 'c', 'd', 'e', 'f'];

/** PCA (2 components) of a smooth table as an Autoencoder over [6] (with a z-score scaler when asked). */
function pcaModel(train: Float32Array, scaler?: ModelSpec['scaler']): Autoencoder {
  const pca = Pca.fit(train, D, { components: 2 });
  const spec = { name: 'pca', inputShape: [D], ...(scaler ? { scaler } : {}) } as unknown as ModelSpec;
  return {
    spec,
    encode: async (x) => pca.transform(x),
    decode: async (z) => pca.inverseTransform(z),
    reconstruct: async (x) => pca.reconstruct(x),
  };
}

/** The PCA model as a VAE: mean = the PCA code, a log-variance that varies with it, decoded from the mean. */
function pcaVae(train: Float32Array): Autoencoder {
  const pca = Pca.fit(train, D, { components: 2 });
  const spec = {
    name: 'pca-vae',
    inputShape: [D],
    latent: { type: 'gaussian', dim: 2, beta: 0.5 },
    loss: { reconstruction: 'mse', reduction: 'sum' },
  } as unknown as ModelSpec;
  return {
    spec,
    encode: async (x) => pca.transform(x),
    encodeDistribution: async (x) => {
      const mean = pca.transform(x);
      return { mean, logVar: mean.map((m) => -1 + 0.1 * m) };
    },
    decode: async (z) => pca.inverseTransform(z),
    reconstruct: async (x) => pca.reconstruct(x),
  };
}

describe('AnomalyDetector', () => {
  const all = table(400, D);
  const fit = all.subarray(0, 200 * D);
  const cal = all.subarray(200 * D, 300 * D);
  const unseen = all.subarray(300 * D);
  const model = pcaModel(fit);

  it('mse: per-sample score = mean of the per-feature errors; predict flags above the threshold', async () => {
    const d = new AnomalyDetector(model, { threshold: { percentile: 90 }, columns: COLUMNS });
    await d.fit(fit);
    const calScores = await d.calibrate(cal);
    expect(calScores.filter((s) => s > d.threshold).length).toBe(10);
    const { scores, features } = await d.score(unseen);
    expect(features).toHaveLength(unseen.length);
    const f0 = (features as Float32Array).subarray(0, D).reduce((a, b) => a + b, 0) / D;
    expect(scores[0]).toBeCloseTo(f0, 6);
    const flags = await d.predict(unseen);
    expect([...flags]).toEqual(Array.from(scores, (s) => (s > d.threshold ? 1 : 0)));
    expect(d.calibrationSummary.count).toBe(100);
  });

  for (const score of ['mse', 'mae', 'latent-knn', 'mse+latent-knn', 'nmse', 'nmse+latent-knn'] as const) {
    it(`${score}: a save/load round trip through JSON text gives identical scores`, async () => {
      const d = new AnomalyDetector(model, { score, threshold: { pot: 0.01, level: 0.8 }, k: 3 });
      await d.fit(fit);
      await d.calibrate(cal);
      const text = JSON.stringify(d.toJSON({ checkpoint: 'run-1' }));
      const back = AnomalyDetector.restore(model, text);
      expect(back.threshold).toBe(d.threshold);
      expect(back.scoreKind).toBe(score);
      expect((await back.score(unseen)).scores).toEqual((await d.score(unseen)).scores);
      expect(await back.predict(unseen)).toEqual(await d.predict(unseen));
      const file = parseDetectorFile(text);
      expect(file).toMatchObject({ version: 2, score, threshold: { method: 'pot:0.01' }, inputShape: [D] });
      expect(file.model).toEqual({ checkpoint: 'run-1' });
    });
  }

  it('elbo: the sampling-free negative ELBO of a VAE (decoded from the mean, closed-form KL); refused on other models', async () => {
    const vae = pcaVae(fit);
    const d = new AnomalyDetector(vae, { score: 'elbo', threshold: { percentile: 95 }, batchSize: 7 });
    await d.fit(fit);
    await d.calibrate(cal);
    const { scores, features } = await d.score(unseen);
    expect(features).toBeUndefined();
    const { mean, logVar } = await (vae.encodeDistribution as NonNullable<Autoencoder['encodeDistribution']>)(
      unseen,
    );
    const expected = negativeElbo({
      x: unseen,
      reconstruction: await vae.decode(mean),
      mean,
      logVar,
      featureSize: D,
      loss: 'mse',
      beta: 0.5,
    }).negativeElbo;
    expect(scores).toEqual(expected);
    const back = AnomalyDetector.restore(vae, JSON.stringify(d.toJSON()));
    expect((await back.score(unseen)).scores).toEqual(scores);
    expect(await back.predict(unseen)).toEqual(await d.predict(unseen));
    expect(() => new AnomalyDetector(model, { score: 'elbo' })).toThrow(
      /score elbo needs a VAE \(a Gaussian latent\); model "pca" has a deterministic latent\. Its scores: mse, mae, latent-knn, mse\+latent-knn, nmse, nmse\+latent-knn\./,
    );
    const l1 = { ...vae, spec: { ...vae.spec, loss: { reconstruction: 'l1', reduction: 'mean' } } };
    expect(() => new AnomalyDetector(l1 as Autoencoder, { score: 'elbo' })).toThrow(
      /needs a VAE trained with the bce or mse loss .* model "pca-vae" was trained with l1/,
    );
  });

  it("applies the model's scaler: raw values in, the score in the model's units", async () => {
    const scaler = { type: 'zscore' as const, offset: [1, 1, 1, 1, 1, 1], scale: [2, 2, 2, 2, 2, 2] };
    const scaledFit = fit.map((v) => (v - 1) / 2);
    const scaled = new AnomalyDetector(pcaModel(scaledFit, scaler));
    const plain = new AnomalyDetector(pcaModel(scaledFit));
    const raw = (await scaled.score(unseen)).scores;
    const direct = (await plain.score(unseen.map((v) => (v - 1) / 2))).scores;
    for (let i = 0; i < raw.length; i++) expect(raw[i]).toBeCloseTo(direct[i] as number, 6);
  });

  it('refuses another shape, other columns and NaN with errors naming both sides', async () => {
    const d = new AnomalyDetector(model, { columns: COLUMNS });
    await d.fit(fit);
    await d.calibrate(cal);
    await expect(d.score({ values: unseen, sampleShape: [3, 2] })).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
      message: expect.stringMatching(/shape \[3, 2\] but the detector was fitted on \[6\]/),
    });
    await expect(d.score(new Float32Array(7))).rejects.toThrow(
      /7 values are not a whole number of samples of shape \[6\]/,
    );
    await expect(d.score({ values: unseen, columns: ['a', 'b', 'c', 'd', 'e', 'g'] })).rejects.toThrow(
      /columns a,b,c,d,e,g but the detector was fitted on a,b,c,d,e,f/,
    );
    const nan = Float32Array.from(unseen);
    nan[2 * D + 4] = Number.NaN;
    await expect(d.score(nan)).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(/NaN/),
    });
    expect(() =>
      AnomalyDetector.restore({ ...model, spec: { inputShape: [5] } as unknown as ModelSpec }, d.toJSON()),
    ).toThrow(/fitted on samples of shape \[6\] but the model takes \[5\]/);
  });

  it('latent-knn: distances between standardised codes; a version-1 file (no codeScale) keeps raw-code distances', async () => {
    const d = new AnomalyDetector(model, { score: 'latent-knn', k: 3 });
    await d.fit(fit);
    await d.calibrate(cal);
    const file = d.toJSON();
    const size = file.codeScale!.mean.length;
    const codes = Float32Array.from(file.codes!);
    const query = await model.encode(unseen);
    const kth = (a: Float32Array, standardise: boolean): number[] => {
      const z = (v: number, j: number) =>
        standardise ? Math.fround(v - file.codeScale!.mean[j]!) / file.codeScale!.std[j]! : v;
      return Array.from({ length: query.length / size }, (_, i) => {
        const dist = Array.from({ length: a.length / size }, (_, r) => {
          let s = 0;
          for (let j = 0; j < size; j++) s += (z(query[i * size + j]!, j) - z(a[r * size + j]!, j)) ** 2;
          return Math.sqrt(s);
        }).sort((x, y) => x - y);
        return dist[2]!;
      });
    };
    const { scores } = await d.score(unseen);
    const standard = kth(codes, true);
    for (let i = 0; i < scores.length; i++) expect(scores[i]).toBeCloseTo(standard[i]!, 4);
    // Each code value's divisor: its spread on the fitted codes (plus 1e-3 of the mean spread).
    const mean0 = codes.filter((_, i) => i % size === 0).reduce((a, b) => a + b, 0) / (codes.length / size);
    expect(file.codeScale!.mean[0]).toBeCloseTo(mean0, 5);
    const { codeScale: _, ...v1 } = file;
    const old = AnomalyDetector.restore(model, { ...v1, version: 1 });
    const raw = kth(codes, false);
    const oldScores = (await old.score(unseen)).scores;
    for (let i = 0; i < oldScores.length; i++) expect(oldScores[i]).toBeCloseTo(raw[i]!, 4);
    expect(() => parseDetectorFile({ ...file, codeScale: { mean: [0], std: [0] } })).toThrow(/codeScale/);
  });

  it('detector files: a newer version and a wrong field are refused, naming them', async () => {
    const d = new AnomalyDetector(model);
    await d.fit(fit);
    await d.calibrate(cal);
    const file = d.toJSON();
    expect(() => parseDetectorFile({ ...file, version: 3 })).toThrow(
      /version 3 was written by a newer aekit/,
    );
    expect(() => parseDetectorFile({ ...file, threshold: { ...file.threshold, value: Number.NaN } })).toThrow(
      /threshold.value is not a finite number/,
    );
    expect(() => parseDetectorFile('{')).toThrow(/not JSON/);
  });
});
