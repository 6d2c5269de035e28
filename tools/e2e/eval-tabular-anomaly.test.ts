// Cross-package: tabularAnomaly of @aekit/eval on @aekit/datasets' breast-cancer table, the autoencoder
// (@aekit/models) trained on @aekit/tfjs-backend; the protocol is the benchmark's (bench/tabular-setup.ts).
import { createRng, setLogger } from '@aekit/core';
import { tabularAnomaly } from '@aekit/eval/anomaly';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { describe, expect, it } from 'vitest';
import { breastCancerOptions, breastCancerTable } from '../bench/tabular-setup.js';

describe('tabularAnomaly on the breast-cancer data (malignant = anomaly)', async () => {
  setLogger({ info() {}, warn() {} });
  const backend = createTfjsBackend({ device: 'wasm' });
  const table = breastCancerTable();
  const options = breastCancerOptions(backend);
  const result = await tabularAnomaly(table, { ...options, seed: 0 });
  // The same protocol with the anomaly labels shuffled: nothing left to detect.
  const shuffled = Array.from(table.anomaly);
  createRng(11).shuffle(shuffled);
  const control = await tabularAnomaly({ ...table, anomaly: shuffled }, { ...options, seed: 0 });
  const summary = (r: typeof result) =>
    Object.fromEntries(
      (['autoencoder', 'pca', 'knn'] as const).map((m) => [
        m,
        r[m] && { auroc: r[m].auroc, prAuc: r[m].prAuc, precision: r[m].precision, recall: r[m].recall },
      ]),
    );
  console.log(JSON.stringify({ result: summary(result), control: summary(control) }));

  it('trains on 214 of the 357 benign rows and tests on the other 143 and all 212 malignant ones', () => {
    expect(result.split.train.length).toBe(214);
    expect(result.split.test.length).toBe(355);
    expect(result.truth.reduce((s, v) => s + v, 0)).toBe(212);
  });

  // Expected values: sklearn 1.2.1 (MinMaxScaler on the training rows, PCA(8, svd_solver='full'),
  // NearestNeighbors(5), roc_auc_score, average_precision_score) in scripts/reference-values.py.
  it('PCA (8 components) and kNN (k = 5) match sklearn on the same split', () => {
    const close = (actual: number, expected: number, tol = 1e-9) =>
      expect(Math.abs(actual - expected)).toBeLessThan(tol);
    close(result.pca.auroc, 0.9374917535294893);
    close(result.pca.prAuc, 0.958720677944983);
    close(result.pca.threshold, 0.004354899785580922, 1e-8);
    expect(result.pca.precision).toBeCloseTo(173 / 185, 12);
    expect(result.pca.recall).toBeCloseTo(173 / 212, 12);
    close(result.knn.auroc, 0.9559638474732814);
    close(result.knn.prAuc, 0.9728761982355834);
    close(result.knn.threshold, 1.0370781429091487);
    expect(result.knn.precision).toBeCloseTo(175 / 185, 12);
    expect(result.knn.recall).toBeCloseTo(175 / 212, 12);
  });

  it('the 30-16-8-16-30 autoencoder ranks malignant rows high (AUROC 0.95 measured) and flags most of them', () => {
    const ae = result.autoencoder;
    expect(ae?.auroc).toBeGreaterThan(0.9);
    expect(ae?.prAuc).toBeGreaterThan(0.92); // chance: 212 / 355 = 0.60
    expect(ae?.recall).toBeGreaterThan(0.75);
    expect(ae?.precision).toBeGreaterThan(0.8);
    // The threshold flags 5% of the training rows and more of the held-out benign ones, not most of them.
    expect(ae?.falsePositiveRate).toBeGreaterThan(0.02);
    expect(ae?.falsePositiveRate).toBeLessThan(0.35);
  });

  it('the default z-score scaling makes the baselines blind to per-column units', async () => {
    const zScored = await tabularAnomaly(table);
    const rescaled = await tabularAnomaly({
      ...table,
      features: table.features.map((v, i) => v * 10 ** ((i % table.featureCount) % 4) + 7),
    });
    expect(zScored.autoencoder).toBeUndefined();
    expect(zScored.pca.auroc).toBeGreaterThan(0.9);
    expect(zScored.knn.auroc).toBeGreaterThan(0.9);
    expect(Math.abs(rescaled.pca.auroc - zScored.pca.auroc)).toBeLessThan(1e-3);
    expect(Math.abs(rescaled.knn.auroc - zScored.knn.auroc)).toBeLessThan(1e-3);
  });

  it('with shuffled labels every detector is at chance (AUROC 0.5 +- 0.1)', () => {
    for (const r of [control.autoencoder, control.pca, control.knn]) {
      expect(Math.abs((r?.auroc ?? 0) - 0.5)).toBeLessThan(0.1);
    }
  });
});
