// Cross-package: the detectors of @aekit/eval on real MNIST digits loaded by @aekit/datasets.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '@aekit/datasets';
import { ReconstructionDetector } from '@aekit/eval/anomaly';
import { KnnDetector, Pca } from '@aekit/eval/baselines';
import { rocAuc } from '@aekit/eval/metrics';
import { describe, expect, it } from 'vitest';

const MNIST = join(fileURLToPath(new URL('../../', import.meta.url)), 'fixtures/mnist');

function split(images: Float32Array, labels: Uint8Array, keep: (l: number) => boolean): Float32Array {
  const idx = Array.from(labels.keys()).filter((i) => keep(labels[i] as number));
  const out = new Float32Array(idx.length * 784);
  idx.forEach((i, k) => {
    out.set(images.subarray(i * 784, (i + 1) * 784), k * 784);
  });
  return out;
}

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
});
