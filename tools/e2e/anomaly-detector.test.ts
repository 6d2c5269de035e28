// Cross-package: an AnomalyDetector of @aekit/eval on a tfjs autoencoder trained on one Fashion-MNIST class,
// calibrated at fpr:0.05, and its ONNX detector graph of @aekit/onnx-backend against its scores.
import { type Autoencoder, gatherRows } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';
import { AnomalyDetector } from '@aekit/eval/anomaly';
import { rocAuc } from '@aekit/eval/metrics';
import { denseAutoencoder } from '@aekit/models';
import { createSession, exportDetectorOnnx } from '@aekit/onnx-backend';
import { afterAll, describe, expect, it } from 'vitest';
import { tfjs } from './helpers.js';

const D = 784;
const CLASS = 1; // Trouser

describe('AnomalyDetector on a real set (Fashion-MNIST, one class normal)', async () => {
  const [train, test] = await Promise.all([
    loadDataset('fashion-mnist', { split: 'train', allowDownload: false, allowSample: false }),
    loadDataset('fashion-mnist', { split: 'test', allowDownload: false, allowSample: false }),
  ]);
  const rowsOf = (labels: Uint8Array, keep: (l: number) => boolean) =>
    Int32Array.from(Array.from(labels.keys()).filter((i) => keep(labels[i] as number)));
  const normal = gatherRows(
    train.images,
    D,
    rowsOf(train.labels, (l) => l === CLASS),
  );
  const half = Math.floor(normal.length / D / 2);
  const fitX = normal.subarray(0, half * D);
  const calX = normal.subarray(half * D);
  const unseen = gatherRows(
    test.images,
    D,
    rowsOf(test.labels, (l) => l === CLASS),
  );
  const model = await tfjs().createModel(denseAutoencoder({ latentDim: 16 }), { seed: 1 });
  await model.fit({ x: fitX }, { epochs: 2, batchSize: 64, learningRate: 2e-3, seed: 1 });
  afterAll(() => model.dispose());
  const detector = new AnomalyDetector(model as Autoencoder, { threshold: { fpr: 0.05 } });
  await detector.fit(fitX);
  await detector.calibrate(calX);

  it('calibrated at fpr:0.05 on held-out normal images, it flags 5% +- 2% of the unseen normal test images', async () => {
    const flags = await detector.predict(unseen);
    const rate = flags.reduce((a, b) => a + b, 0) / flags.length;
    console.log(
      `fpr:0.05 detector (class ${CLASS}, fitted on ${half}, calibrated on ${calX.length / D}): flags ${(100 * rate).toFixed(2)}% of ${flags.length} unseen normal test images`,
    );
    expect(Math.abs(rate - 0.05)).toBeLessThanOrEqual(0.02);
    const truth = Array.from(test.labels, (l) => (l === CLASS ? 0 : 1));
    expect(rocAuc(truth, (await detector.score(test.images)).scores)).toBeGreaterThan(0.9);
  });

  it('a save/load round trip and the ONNX detector graph give its scores (ONNX within 1e-5)', async () => {
    const back = AnomalyDetector.restore(model as Autoencoder, JSON.stringify(detector.toJSON()));
    const { scores } = await detector.score(unseen);
    expect((await back.score(unseen)).scores).toEqual(scores);
    const file = detector.toJSON();
    const { bytes } = exportDetectorOnnx(model.spec, model.getWeights(), {
      score: file.score,
      threshold: file.threshold,
    });
    const session = await createSession(bytes);
    const n = unseen.length / D;
    const out = await session.run({ input: { data: unseen, shape: [n, 28, 28, 1] } });
    await session.dispose();
    const onnxScores = out.score!.data as Float32Array;
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(onnxScores[i]! - scores[i]!));
    console.log(`ONNX detector vs AnomalyDetector on ${n} images: max |score diff| ${max.toExponential(2)}`);
    expect(max).toBeLessThanOrEqual(1e-5);
    const flags = Array.from(out.is_anomaly!.data as ArrayLike<unknown>, (v) => (v ? 1 : 0));
    const expected = await detector.predict(unseen);
    const disagree = flags.filter((f, i) => f !== expected[i]).length;
    expect(disagree).toBe(0);
  });
});
