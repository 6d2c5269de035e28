import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '@aekit/datasets';
import { describe, expect, it } from 'vitest';
import { ReconstructionDetector } from './anomaly/reconstruction-detector.js';
import { percentile, thresholdFor } from './anomaly/threshold.js';
import { KnnDetector } from './baselines/knn.js';
import { Pca } from './baselines/pca.js';
import { rocAuc } from './metrics/ranking.js';

const MNIST = join(fileURLToPath(new URL('../../../', import.meta.url)), 'fixtures/mnist');

function split(images: Float32Array, labels: Uint8Array, keep: (l: number) => boolean): Float32Array {
  const idx = Array.from(labels.keys()).filter((i) => keep(labels[i] as number));
  const out = new Float32Array(idx.length * 784);
  idx.forEach((i, k) => {
    out.set(images.subarray(i * 784, (i + 1) * 784), k * 784);
  });
  return out;
}

describe('thresholds', () => {
  it('percentile interpolates as numpy; contamination = 100(1-c) percentile', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBeCloseTo(5.5, 12);
    expect(percentile(v, 95)).toBeCloseTo(9.55, 12);
    expect(thresholdFor(v, { contamination: 0.1 })).toBeCloseTo(9.1, 12);
    expect(() => thresholdFor(v, { contamination: 0.7 })).toThrow(/contamination must be in \(0, 0.5\)/);
  });
});

describe('KnnDetector', () => {
  it('k-th neighbour distance by hand', () => {
    const train = new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]);
    const knn = new KnnDetector(2, { k: 2 }).fit(train);
    const s = knn.score(new Float32Array([0, 0, 3, 4]));
    expect(s[0]).toBeCloseTo(1, 6); // neighbours at 0 and 1
    expect(s[1]).toBeCloseTo(Math.sqrt(18), 5); // (1,1) at sqrt(13), (0,1) at sqrt(18), (1,0) at sqrt(20)
    const mean = new KnnDetector(2, { k: 2, method: 'mean' }).fit(train).score(new Float32Array([0, 0]));
    expect(mean[0]).toBeCloseTo(0.5, 6);
    // Leave-one-out: each corner's neighbours are the other three, at 1, 1 and sqrt(2).
    expect([...knn.leaveOneOutScores()].map((v) => v.toFixed(6))).toEqual(Array(4).fill('1.000000'));
    expect(new KnnDetector(2, { k: 3 }).fit(train).leaveOneOutScores()[0]).toBeCloseTo(Math.SQRT2, 6);
    expect(() => new KnnDetector(2, { k: 4 }).fit(train).leaveOneOutScores()).toThrow(/more than k=4/);
  });
});

describe('anomaly detection on real MNIST digits (normal = 1, anomalies = 0, 7)', async () => {
  const data = await loadDataset('mnist', {
    split: 'test',
    dir: MNIST,
    limit: 3000,
    allowDownload: false,
    allowSample: false,
  });
  const train = split(data.images.subarray(0, 2000 * 784), data.labels.subarray(0, 2000), (l) => l === 1);
  const testImages = data.images.subarray(2000 * 784);
  const testLabels = data.labels.subarray(2000);
  const kept = Array.from(testLabels.keys()).filter((i) => [0, 1, 7].includes(testLabels[i] as number));
  const test = split(testImages, testLabels, (l) => [0, 1, 7].includes(l));
  const truth = kept.map((i) => (testLabels[i] === 1 ? 0 : 1));

  it('PCA reconstruction error separates them (AUROC > 0.95) and the threshold flags ~5% of normal data', async () => {
    const pca = Pca.fit(train, 784, { components: 10 });
    const detector = await new ReconstructionDetector(pca, {
      featureSize: 784,
      threshold: { percentile: 95 },
    }).fit(train);
    const trainFlags = await detector.predict(train);
    const flagged = trainFlags.reduce((s, v) => s + v, 0) / trainFlags.length;
    expect(Math.abs(flagged - 0.05)).toBeLessThan(0.01);
    const scores = await detector.score(test);
    const auc = rocAuc(truth, scores);
    expect(auc).toBeGreaterThan(0.95);
    // Per-pixel heat map: mean over features equals the score.
    const heat = await detector.scoreFeatures(test.subarray(0, 784));
    expect(heat.reduce((s, v) => s + v, 0) / 784).toBeCloseTo(scores[0] as number, 6);
  });

  it('kNN distance separates them (AUROC > 0.95)', () => {
    const knn = new KnnDetector(784, { k: 5 }).fit(train);
    expect(rocAuc(truth, knn.score(test))).toBeGreaterThan(0.95);
  });

  it('VAE sampling needs encodeDistribution', () => {
    expect(
      () => new ReconstructionDetector({ reconstruct: (x) => x }, { featureSize: 2, samples: 4 }),
    ).toThrow(/needs a VAE/);
  });

  it('averages the error over VAE samples', async () => {
    // A fake VAE: q(z|x) = N(x, 1) in one dimension, decode = identity. E[(x - z)^2] = 1.
    const fake = {
      reconstruct: (x: Float32Array) => x,
      decode: async (z: Float32Array) => z,
      encodeDistribution: async (x: Float32Array) => ({ mean: x, logVar: new Float32Array(x.length) }),
    };
    const d = new ReconstructionDetector(fake, { featureSize: 1, samples: 2000, seed: 3 });
    const s = await d.score(new Float32Array([0.5]));
    expect(Math.abs((s[0] as number) - 1)).toBeLessThan(0.08);
  });
});
