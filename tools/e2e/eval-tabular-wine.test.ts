// Cross-package: tabularAnomaly of @aekit/eval on scikit-learn's wine table (cultivar 0 = anomaly, as
// bench/tabular-setup.ts defines it), PCA and kNN against scikit-learn on the same split (seed 0).
import { setLogger } from '@aekit/core';
import { fitMinMax } from '@aekit/datasets';
import { tabularAnomaly } from '@aekit/eval/anomaly';
import { describe, expect, it } from 'vitest';
import { WINE_AE, wineTable } from '../bench/tabular-setup.js';

describe('tabularAnomaly on the wine table (cultivar 0 = anomaly)', async () => {
  setLogger({ info() {}, warn() {} });
  const table = wineTable();
  const result = await tabularAnomaly(table, {
    trainFraction: 0.6,
    fitScaler: fitMinMax,
    components: WINE_AE.latentDim,
    k: 5,
    threshold: { percentile: 95 },
    seed: 0,
  });

  it('trains on 71 of the 119 cultivar-1/2 rows and tests on the other 48 and all 59 of cultivar 0', () => {
    expect(result.split.train.length).toBe(71);
    expect(result.split.test.length).toBe(107);
    expect(result.truth.reduce((s, v) => s + v, 0)).toBe(59);
  });

  // Expected values: scikit-learn 1.2.1 (bench/tabular_sklearn.py on this split: MinMaxScaler statistics of the
  // training rows, PCA(4, svd_solver='full'), NearestNeighbors(5), roc_auc_score, average_precision_score).
  it('PCA (4 components) and kNN (k = 5) match scikit-learn on the same split', () => {
    const close = (actual: number, expected: number, tol = 1e-9) =>
      expect(Math.abs(actual - expected)).toBeLessThan(tol);
    close(result.pca.auroc, 0.9427966101694915);
    close(result.pca.prAuc, 0.9607622856186487);
    close(result.pca.threshold, 0.030004589777097405, 1e-8);
    expect(result.pca.precision).toBeCloseTo(45 / 47, 12);
    expect(result.pca.recall).toBeCloseTo(45 / 59, 12);
    close(result.knn.auroc, 0.9759887005649717);
    close(result.knn.prAuc, 0.9781898911421782);
    close(result.knn.threshold, 0.9507703078565242, 1e-8);
    expect(result.knn.precision).toBeCloseTo(36 / 37, 12);
    expect(result.knn.recall).toBeCloseTo(36 / 59, 12);
  });
});
