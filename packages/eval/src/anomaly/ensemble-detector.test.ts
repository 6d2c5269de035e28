import type { Autoencoder, ModelSpec } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { Pca } from '../baselines/pca.js';
import { table } from '../test-utils.js';
import { AnomalyDetector } from './detector.js';
import { EnsembleDetector, parseEnsembleFile } from './ensemble-detector.js';

const D = 6;

/** PCA with `components` components of a smooth table as an Autoencoder over [6]. */
function pcaModel(train: Float32Array, components: number): Autoencoder {
  const pca = Pca.fit(train, D, { components });
  const spec = { name: `pca-${components}`, inputShape: [D] } as unknown as ModelSpec;
  return {
    spec,
    encode: async (x) => pca.transform(x),
    decode: async (z) => pca.inverseTransform(z),
    reconstruct: async (x) => pca.reconstruct(x),
  };
}

describe('EnsembleDetector', () => {
  const all = table(400, D);
  const fit = all.subarray(0, 200 * D);
  const cal = all.subarray(200 * D, 300 * D);
  const unseen = all.subarray(300 * D);
  const models = [pcaModel(fit, 1), pcaModel(fit, 2)];
  const members = async () => {
    const a = new AnomalyDetector(models[0]!, { score: 'mse' });
    const b = new AnomalyDetector(models[1]!, { score: 'nmse+latent-knn', k: 3 });
    await a.fit(fit);
    await b.fit(fit);
    return [a, b];
  };

  it('scores the sum of the members z-scored on the calibration data; the threshold by its own rule', async () => {
    const [a, b] = await members();
    const e = new EnsembleDetector([a!, b!], { threshold: { percentile: 90 } });
    const calScores = await e.calibrate(cal);
    expect(calScores.filter((s) => s > e.threshold).length).toBe(10);
    // By hand: each member's calibration mean and std, then the z-sum of their scores of unseen rows.
    const z = async (d: AnomalyDetector) => {
      const c = await d.calibrate(cal);
      const mean = c.reduce((s, v) => s + v, 0) / c.length;
      const std = Math.sqrt(c.reduce((s, v) => s + (v - mean) ** 2, 0) / c.length);
      return (await d.score(unseen)).scores.map((v) => (v - mean) / std);
    };
    const [za, zb] = [await z(a!), await z(b!)];
    const { scores } = await e.score(unseen);
    for (let i = 0; i < scores.length; i++) expect(scores[i]).toBeCloseTo(za[i]! + zb[i]!, 10);
    expect([...(await e.predict(unseen))]).toEqual(Array.from(scores, (s) => (s > e.threshold ? 1 : 0)));
  });

  it('a save/load round trip through JSON text gives identical scores; bad files and model lists are refused', async () => {
    const e = new EnsembleDetector(await members(), { threshold: { fpr: 0.05 } });
    await e.calibrate(cal);
    const text = JSON.stringify(e.toJSON([{ checkpoint: 'a' }, { checkpoint: 'b' }]));
    const back = EnsembleDetector.restore(models, text);
    expect(back.threshold).toBe(e.threshold);
    expect((await back.score(unseen)).scores).toEqual((await e.score(unseen)).scores);
    const file = parseEnsembleFile(text);
    expect(file.members.map((m) => m.model)).toEqual([{ checkpoint: 'a' }, { checkpoint: 'b' }]);
    expect(() => EnsembleDetector.restore([models[0]!], text)).toThrow(/2 members but 1 models/);
    expect(() => parseEnsembleFile({ ...file, version: 2 })).toThrow(
      /version 2 was written by a newer aekit/,
    );
    expect(() => parseEnsembleFile({ ...file, normalisation: [[0, 1]] })).toThrow(/normalisation/);
    const [one] = await members();
    expect(() => new EnsembleDetector([one!])).toThrow(/two or more/);
  });

  it('refuses members of different input shapes and scoring before calibrate', async () => {
    const [a] = await members();
    const other = new AnomalyDetector({
      ...models[0]!,
      spec: { name: 'x', inputShape: [3] } as unknown as ModelSpec,
    });
    expect(() => new EnsembleDetector([a!, other])).toThrow(/member 1 takes samples of shape \[3\]/);
    const e = new EnsembleDetector(await members());
    await expect(e.score(unseen)).rejects.toThrow(/calibrate/);
  });
});
