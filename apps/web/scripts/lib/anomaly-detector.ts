/**
 * The anomaly view's detector: a dense autoencoder trained on one Fashion-MNIST class only, an aekit
 * `AnomalyDetector` calibrated at fpr:0.05 on held-out images of that class, exported with
 * `exportDetectorOnnx` (one graph: raw input -> feature_errors, score, is_anomaly), measured on the whole test
 * split through the exported graph, plus the test images the page's buttons pick. Called by export-models.ts.
 */
import { join } from 'node:path';
import { type Autoencoder, gatherRows, type TrainingBackend } from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import { DATASETS, type ImageDataset } from '@aekit/datasets';
import { AnomalyDetector } from '@aekit/eval/anomaly';
import { rocAuc } from '@aekit/eval/metrics';
import { denseAutoencoder } from '@aekit/models';
import { createSession, exportDetectorOnnx } from '@aekit/onnx-backend';
import type { AnomalyEntry, AnomalySamples } from '../../src/manifest.js';

export const ANOMALY_ID = 'anomaly-fashion';
/** Trouser: a class a dense AE separates well from the rest (AUROC > 0.9 after 2 epochs). */
const NORMAL_CLASS = 1;
const EPOCHS = 2;
const THRESHOLD = { fpr: 0.05 } as const;
/** Images per button: the normal class's most typical, and one per other class. */
const NORMAL_SAMPLES = 8;

export interface AnomalyJobInput {
  backend: TrainingBackend;
  backendName: string;
  train: ImageDataset;
  test: ImageDataset;
  outDir: string;
  seed: number;
}

const rowsOf = (labels: Uint8Array, keep: (label: number) => boolean): Int32Array =>
  Int32Array.from(Array.from(labels.keys()).filter((i) => keep(labels[i] as number)));

export async function exportAnomalyDetector(job: AnomalyJobInput): Promise<AnomalyEntry> {
  const [h, w, c] = job.train.sampleShape;
  const d = h * w * c;
  const className = DATASETS['fashion-mnist'].classNames[NORMAL_CLASS] ?? String(NORMAL_CLASS);
  const normal = gatherRows(
    job.train.images,
    d,
    rowsOf(job.train.labels, (l) => l === NORMAL_CLASS),
  );
  // Half of the class's training images fit the model, the other half (never trained on) calibrate.
  const half = Math.floor(normal.length / d / 2);
  const fitX = normal.subarray(0, half * d);
  const calX = normal.subarray(half * d);
  const spec = denseAutoencoder({ latentDim: 16, name: ANOMALY_ID });
  const model = await job.backend.createModel(spec, { seed: job.seed });
  try {
    console.log(`${ANOMALY_ID}: training on ${half} ${className} images, calibrating on ${calX.length / d}`);
    const result = await model.fit(
      { x: fitX },
      {
        epochs: EPOCHS,
        batchSize: 64,
        learningRate: 2e-3,
        seed: job.seed,
        shuffle: true,
        callbacks: {
          onEpochEnd: (m) => console.log(`  ${ANOMALY_ID} epoch ${m.epoch}: loss ${m.loss.toFixed(4)}`),
        },
      },
    );
    const detector = new AnomalyDetector(model as Autoencoder, { threshold: THRESHOLD });
    await detector.fit(fitX);
    await detector.calibrate(calX);
    const file = detector.toJSON();
    const { bytes } = exportDetectorOnnx(model.spec, model.getWeights(), {
      score: file.score,
      threshold: file.threshold,
      calibration: { ...file.calibration },
    });
    const detectorFile = `${ANOMALY_ID}.detector.onnx`;
    await writeFileAtomic(join(job.outDir, detectorFile), bytes);

    // The whole test split through the exported graph (onnxruntime-web's WASM, as in the browser).
    const n = job.test.count;
    // The loader's values are uint8 / 255: the page's 8-bit copies of them are these exact values.
    const images = job.test.images;
    const session = await createSession(bytes, { device: 'wasm' });
    const out = await session.run({ input: { data: images, shape: [n, h, w, c] } });
    await session.dispose();
    const scores = out.score!.data as Float32Array;
    const flags = out.is_anomaly!.data as ArrayLike<unknown>;
    const truth = Array.from(job.test.labels, (l) => (l === NORMAL_CLASS ? 0 : 1));
    const normalRows = truth.flatMap((t, i) => (t === 0 ? [i] : []));
    const flagged = normalRows.filter((i) => Boolean(flags[i])).length;
    const auroc = rocAuc(truth, scores);
    console.log(
      `${ANOMALY_ID}: threshold ${file.threshold.value.toExponential(3)} (${file.threshold.method}); test AUROC ${auroc.toFixed(4)} on ${n}; flags ${((100 * flagged) / normalRows.length).toFixed(2)}% of ${normalRows.length} normal test images`,
    );

    const toB64 = (i: number) =>
      Buffer.from(images.subarray(i * d, (i + 1) * d).map((v) => Math.round(v * 255))).toString('base64');
    const byScore = (rows: number[]) => [...rows].sort((a, b) => scores[a]! - scores[b]!);
    const typical = byScore(normalRows)
      .slice(0, NORMAL_SAMPLES)
      .map((i) => ({ label: NORMAL_CLASS, image: toB64(i) }));
    const anomalous: AnomalySamples['anomalous'] = [];
    for (let label = 0; label < DATASETS['fashion-mnist'].classNames.length; label++) {
      if (label === NORMAL_CLASS) continue;
      const top = byScore(truth.flatMap((_, i) => (job.test.labels[i] === label ? [i] : []))).pop();
      if (top !== undefined) anomalous.push({ label, image: toB64(top) });
    }
    const samples: AnomalySamples = {
      classNames: [...DATASETS['fashion-mnist'].classNames],
      width: w,
      height: h,
      normal: typical,
      anomalous,
    };
    const samplesFile = `${ANOMALY_ID}.samples.json`;
    await writeFileAtomic(join(job.outDir, samplesFile), JSON.stringify(samples));
    const last = result.history[result.history.length - 1];
    return {
      id: ANOMALY_ID,
      title: `Anomaly detector · Fashion-MNIST, normal = ${className}`,
      description: `A dense autoencoder (16-number code) trained only on ${className} images; the score is the mean squared per-pixel reconstruction error, anything that is not a ${className.toLowerCase()} should reconstruct badly.`,
      dataset: 'fashion-mnist',
      normalClass: { index: NORMAL_CLASS, name: className },
      inputShape: [h, w, c],
      detector: detectorFile,
      samples: samplesFile,
      score: file.score,
      threshold: file.threshold,
      training: {
        backend: job.backendName,
        samples: half,
        epochs: result.history.length,
        finalLoss: last?.loss ?? Number.NaN,
        calibrationSamples: calX.length / d,
      },
      test: {
        samples: n,
        auroc,
        normalSamples: normalRows.length,
        normalFlaggedRate: flagged / normalRows.length,
      },
    };
  } finally {
    model.dispose();
  }
}
