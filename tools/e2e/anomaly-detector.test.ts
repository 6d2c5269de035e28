// Cross-package: an AnomalyDetector of @aekit/eval on a tfjs autoencoder trained on one Fashion-MNIST class,
// calibrated at fpr:0.05, and its ONNX detector graph of @aekit/onnx-backend against its scores (every exported
// score: the reconstruction errors, the latent kNN ones, a VAE's negative ELBO).
import { type Autoencoder, gatherRows, type TrainableModel } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';
import { AnomalyDetector } from '@aekit/eval/anomaly';
import { negativeElbo, rocAuc, vaeNegativeElbo } from '@aekit/eval/metrics';
import { denseAutoencoder, vae } from '@aekit/models';
import { createSession, exportDetectorOnnx, exportOnnx } from '@aekit/onnx-backend';
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

  for (const score of ['latent-knn', 'mse+latent-knn', 'nmse+latent-knn'] as const) {
    it(`${score}: the ONNX graph with the ${half} fitted codes inside: the API's scores on the same runtime within 1e-5, the same flags as tfjs`, async () => {
      const d = new AnomalyDetector(model as Autoencoder, { score, threshold: { fpr: 0.05 } });
      await d.fit(fitX);
      await d.calibrate(calX);
      const back = AnomalyDetector.restore(model as Autoencoder, JSON.stringify(d.toJSON()));
      expect((await back.score(unseen)).scores).toEqual((await d.score(unseen)).scores);
      const parity = await onnxParity(model, d, unseen);
      console.log(
        `ONNX ${score} detector (k=5 of ${half} codes) vs AnomalyDetector on ${unseen.length / D} images: max |score diff| ${parity.max.toExponential(2)} (relative ${parity.relative.toExponential(2)}); on the same ONNX Runtime model ${parity.sameModel!.toExponential(2)}`,
      );
      // The graph's arithmetic (sameModel: direct differences in float32) stays below 1e-5. Against tfjs the
      // codes themselves differ by a few float32 steps (up to 2.5e-5 on codes up to 25: the model export's
      // tolerance is 1e-4), and the combined kinds divide that by the latent part's std (0.4 here).
      expect(parity.sameModel).toBeLessThanOrEqual(1e-5);
      expect(parity.relative).toBeLessThanOrEqual(1e-4);
      expect(parity.disagree).toBe(0);
      expect(parity.outputs).toEqual(
        score === 'latent-knn' ? ['score', 'is_anomaly'] : ['feature_errors', 'score', 'is_anomaly'],
      );
    });
  }
});

describe('elbo on a real VAE (600 Fashion-MNIST trousers, 3 epochs)', async () => {
  const all = await loadDataset('fashion-mnist', {
    split: 'train',
    allowDownload: false,
    allowSample: false,
  });
  const test = await loadDataset('fashion-mnist', {
    split: 'test',
    allowDownload: false,
    allowSample: false,
    limit: 1000,
  });
  const trousers = Int32Array.from(
    Array.from(all.labels.keys()).filter((i) => all.labels[i] === CLASS),
  ).subarray(0, 900);
  const x = gatherRows(all.images, D, trousers);
  const trainX = x.subarray(0, 600 * D);
  const calX = x.subarray(600 * D);
  const spec = vae({ latentDim: 8, hiddenUnits: 128 });
  const model = await tfjs().createModel(spec, { seed: 2 });
  await model.fit({ x: trainX }, { epochs: 3, batchSize: 32, learningRate: 2e-3, seed: 2 });
  afterAll(() => model.dispose());
  const detector = new AnomalyDetector(model as Autoencoder, { score: 'elbo', threshold: { fpr: 0.05 } });
  await detector.fit(trainX);
  await detector.calibrate(calX);

  it('scores the negative ELBO of eval (decoded from the mean, the same KL), the same after save/load', async () => {
    const { scores } = await detector.score(test.images);
    const { mean, logVar } = await model.encodeDistribution(test.images);
    const atMean = negativeElbo({
      x: test.images,
      reconstruction: await model.decode(mean),
      mean,
      logVar,
      featureSize: D,
      loss: 'bce',
    });
    expect(scores).toEqual(atMean.negativeElbo);
    const sampled = await vaeNegativeElbo(model, test.images, {
      featureSize: D,
      loss: 'bce',
      samples: 8,
      seed: 1,
    });
    // Its KL part is vaeNegativeElbo's (the sampling changes the reconstruction term only).
    expect(Array.from(atMean.reconstruction, (r, i) => r + sampled.kl[i]!)).toEqual(Array.from(scores));
    let gap = 0;
    for (let i = 0; i < scores.length; i++) gap += (sampled.negativeElbo[i]! - scores[i]!) / scores[i]!;
    gap /= scores.length;
    const truth = Array.from(test.labels, (l) => (l === CLASS ? 0 : 1));
    const auroc = rocAuc(truth, scores);
    console.log(
      `elbo detector: mean (8-sample Monte-Carlo ELBO - ELBO at the mean) / ELBO ${gap.toFixed(4)}; AUROC ${auroc.toFixed(4)} on the first 1000 test images (class ${CLASS} normal)`,
    );
    expect(Math.abs(gap)).toBeLessThan(0.1);
    expect(auroc).toBeGreaterThan(0.8);
    const back = AnomalyDetector.restore(model as Autoencoder, JSON.stringify(detector.toJSON()));
    expect((await back.score(test.images)).scores).toEqual(scores);
    expect(await back.predict(test.images)).toEqual(await detector.predict(test.images));
  });

  it('the ONNX graph (mean and log-variance heads, the bce term, closed-form KL) gives its scores', async () => {
    const parity = await onnxParity(model, detector, test.images);
    console.log(
      `ONNX elbo detector vs AnomalyDetector on 1000 images: max |score diff| ${parity.max.toExponential(2)}, relative ${parity.relative.toExponential(2)}`,
    );
    expect(parity.relative).toBeLessThanOrEqual(1e-5);
    expect(parity.disagree).toBe(0);
  });
});

/**
 * The ONNX detector graph of `detector` on `x` against the API's scores: `max` and `relative` (|diff| /
 * max(1, |score|), as export --detector checks) with the detector on its own model (tfjs); for the latent
 * kinds `sameModel` with the detector restored on the full model in ONNX Runtime (the same codes and
 * reconstructions as the graph's, so only the score's arithmetic differs); `disagree`: is_anomaly flags that
 * differ from the tfjs detector's.
 */
async function onnxParity(
  model: TrainableModel,
  detector: AnomalyDetector,
  x: Float32Array,
): Promise<{ max: number; relative: number; sameModel?: number; disagree: number; outputs: string[] }> {
  const file = detector.toJSON();
  const { bytes, info } = exportDetectorOnnx(model.spec, model.getWeights(), file);
  const session = await createSession(bytes);
  const n = x.length / D;
  const out = await session.run({ input: { data: x, shape: [n, 28, 28, 1] } });
  await session.dispose();
  const onnxScores = out.score!.data as Float32Array;
  const { scores } = await detector.score(x);
  let onOrt: Float64Array | undefined;
  if (file.codes !== null) {
    const full = await createSession(exportOnnx(model.spec, model.getWeights()).bytes);
    onOrt = (await AnomalyDetector.restore(full, file).score(x)).scores;
    await full.dispose();
  }
  let max = 0;
  let relative = 0;
  let sameModel = 0;
  for (let i = 0; i < n; i++) {
    const diff = Math.abs(onnxScores[i]! - scores[i]!);
    max = Math.max(max, diff);
    relative = Math.max(relative, diff / Math.max(1, Math.abs(scores[i]!)));
    if (onOrt) sameModel = Math.max(sameModel, Math.abs(onnxScores[i]! - onOrt[i]!));
  }
  const flags = Array.from(out.is_anomaly!.data as ArrayLike<unknown>, (v) => (v ? 1 : 0));
  const expected = await detector.predict(x);
  const disagree = flags.filter((f, i) => f !== expected[i]).length;
  return { max, relative, ...(onOrt && { sameModel }), disagree, outputs: info.outputs };
}
