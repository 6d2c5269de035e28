/**
 * Trains the demo's models with @aekit/tfjs-backend on Fashion-MNIST / MNIST, exports their encoders and
 * decoders to ONNX with @aekit/onnx-backend, measures them through onnxruntime-web (WASM, as in a browser)
 * and writes public/models/: the .onnx files, one explorer JSON per model and manifest.json.
 *
 *   pnpm --filter @aekit/web models               # train + export (a few minutes on a laptop CPU)
 *   pnpm --filter @aekit/web models --untrained   # random weights, for UI work without a training backend
 *   pnpm --filter @aekit/web models --only=anomaly-fashion   # only the anomaly view's detector (~1 minute)
 *
 * The anomaly view's one-class detector (scripts/lib/anomaly-detector.ts) is trained too, except with
 * --untrained (a random detector would say nothing; the manifest keeps the existing one).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  corrupt,
  createCorruption,
  initialWeights,
  MissingDependencyError,
  type ModelSpec,
  type NamedTensor,
  OptionError,
  shapeSize,
  type TrainingBackend,
  trainingBackends,
} from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import {
  DATASETS,
  type DatasetName,
  type Split as DatasetSplit,
  type ImageDataset,
  loadDataset,
  selectSamples,
} from '@aekit/datasets';
import { Pca } from '@aekit/eval/baselines';
import { meanMse } from '@aekit/eval/metrics';
import { convAutoencoder, denoisingAutoencoder, vae } from '@aekit/models';
import { exportOnnx } from '@aekit/onnx-backend';
import type { AnomalyEntry, ExplorerData, Manifest, ModelEntry } from '../src/manifest.js';
import { ANOMALY_ID, exportAnomalyDetector } from './lib/anomaly-detector.js';
import { loadOnnxPair } from './lib/onnx-eval.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const outDir = resolve(here, '../public/models');
const FASHION_DIR = process.env.AEKIT_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const MNIST_DIR = process.env.AEKIT_MNIST_DIR ?? join(repoRoot, 'fixtures/mnist');

const untrained = process.argv.includes('--untrained');
const SEED = 7;
const EXPLORER_POINTS = 400;

interface Split {
  train: ImageDataset;
  /** Held out: measured through the exported files and shown in the explorer. */
  test: ImageDataset;
}

/**
 * One split of a dataset as float32 images in [0, 1] with labels, from `dir` (or, when it lacks the files,
 * from `$AEKIT_DATA_DIR` or aekit's download cache); never downloads, never falls back to the small sample.
 */
function load(name: DatasetName, dir: string, split: DatasetSplit, limit?: number): Promise<ImageDataset> {
  return loadDataset(name, {
    dir,
    split,
    limit,
    systemDir: false,
    allowDownload: false,
    allowSample: false,
  });
}

/** The samples start..end-1 of a dataset. */
function range(dataset: ImageDataset, start: number, end: number): ImageDataset {
  return selectSamples(
    dataset,
    Uint32Array.from({ length: end - start }, (_, i) => start + i),
  );
}

async function loadFashion(trainCount: number, testCount: number): Promise<Split> {
  return {
    train: await load('fashion-mnist', FASHION_DIR, 'train', trainCount),
    test: await load('fashion-mnist', FASHION_DIR, 'test', testCount),
  };
}

/** Only MNIST's test set is in the repo: its first 8000 images train, the last 2000 are held out. */
async function loadMnist(trainCount: number, testCount: number): Promise<Split> {
  const all = await load('mnist', MNIST_DIR, 'test');
  const start = all.count - testCount;
  return { train: range(all, 0, Math.min(trainCount, start)), test: range(all, start, all.count) };
}

interface Job {
  id: string;
  title: string;
  description: string;
  kind: ModelEntry['kind'];
  dataset: ModelEntry['dataset'];
  spec: ModelSpec;
  data: () => Promise<Split>;
  epochs: number;
  batchSize: number;
  learningRate: number;
  noiseStd?: number;
}

const NOISE_STD = 0.4;
const jobs: Job[] = [
  {
    id: 'conv-fashion',
    title: 'Convolutional AE · Fashion-MNIST',
    description:
      'Conv 3x3 + max-pool x3 down to a 4x4x8 code, conv + upsampling back (the Keras tutorial model).',
    kind: 'autoencoder',
    dataset: 'fashion-mnist',
    spec: convAutoencoder({ loss: 'bce', name: 'conv-fashion' }),
    data: () => loadFashion(6000, 1000),
    epochs: 6,
    batchSize: 64,
    learningRate: 2e-3,
  },
  {
    id: 'vae-mnist',
    title: 'Dense VAE · MNIST',
    description: 'MLP variational autoencoder, 256 hidden units, 8-dimensional Gaussian code.',
    kind: 'vae',
    dataset: 'mnist',
    spec: vae({ latentDim: 8, hiddenUnits: 256, name: 'vae-mnist' }),
    data: () => loadMnist(8000, 2000),
    epochs: 15,
    batchSize: 64,
    learningRate: 1e-3,
  },
  {
    id: 'denoiser-mnist',
    title: 'Denoising conv AE · MNIST',
    description: `The convolutional AE trained on inputs with Gaussian noise (std ${NOISE_STD}) against clean targets.`,
    kind: 'denoiser',
    dataset: 'mnist',
    spec: denoisingAutoencoder({
      base: convAutoencoder({ filters: [32, 16, 16], loss: 'bce' }),
      noise: { type: 'gaussian', std: NOISE_STD },
      name: 'denoiser-mnist',
    }),
    data: () => loadMnist(8000, 2000),
    epochs: 8,
    batchSize: 64,
    learningRate: 2e-3,
    noiseStd: NOISE_STD,
  },
];

async function trainingBackend(): Promise<{ backend: TrainingBackend; name: string }> {
  // Importing it registers the 'tfjs' training backend in core's registry. The specifier is a variable so
  // that this app's typecheck does not compile the backend's sources (only the registry contract is used).
  const pkg = '@aekit/tfjs-backend';
  try {
    await import(pkg);
  } catch (error) {
    throw new MissingDependencyError(
      pkg,
      'Training the demo models (or pass --untrained for placeholders)',
      error,
    );
  }
  const resolved = await trainingBackends.resolve(['tfjs']);
  return { backend: resolved.backend, name: resolved.backend.describe() };
}

async function train(
  job: Job,
  split: Split,
): Promise<{ weights: NamedTensor[]; info: ModelEntry['training'] }> {
  if (untrained) {
    return {
      weights: initialWeights(job.spec, SEED),
      info: { backend: 'none (untrained placeholder)', samples: 0, epochs: 0, finalLoss: Number.NaN },
    };
  }
  const { backend, name } = await trainingBackend();
  const model = await backend.createModel(job.spec, { seed: SEED });
  try {
    const result = await model.fit(
      { x: split.train.images },
      {
        epochs: job.epochs,
        batchSize: job.batchSize,
        learningRate: job.learningRate,
        seed: SEED,
        shuffle: true,
        ...(job.noiseStd
          ? { corrupt: createCorruption({ type: 'gaussian', std: job.noiseStd }, job.spec.inputShape) }
          : {}),
        callbacks: {
          onEpochEnd: (m) =>
            console.log(
              `  ${job.id} epoch ${m.epoch}: loss ${m.loss.toFixed(4)} (${m.seconds.toFixed(1)} s)`,
            ),
        },
      },
    );
    const last = result.history[result.history.length - 1];
    return {
      weights: model.getWeights(),
      info: {
        backend: name,
        samples: split.train.count,
        epochs: result.history.length,
        finalLoss: last?.loss ?? Number.NaN,
      },
    };
  } finally {
    model.dispose();
  }
}

async function runJob(job: Job): Promise<ModelEntry> {
  console.log(`${job.id}: loading data`);
  const split = await job.data();
  console.log(
    `${job.id}: ${untrained ? 'initialising (untrained)' : `training on ${split.train.count} images`}`,
  );
  const { weights, info } = await train(job, split);
  const encoder = exportOnnx(job.spec, weights, { part: 'encoder' });
  const decoder = exportOnnx(job.spec, weights, { part: 'decoder' });
  const inputShape = encoder.info.inputShape as [number, number, number];
  const latentShape = encoder.info.latentShape;
  const files = {
    encoder: `${job.id}.encoder.onnx`,
    decoder: `${job.id}.decoder.onnx`,
    explorer: `${job.id}.explorer.json`,
  };
  await writeFileAtomic(join(outDir, files.encoder), encoder.bytes);
  await writeFileAtomic(join(outDir, files.decoder), decoder.bytes);

  const pair = await loadOnnxPair(encoder.bytes, decoder.bytes);
  const n = split.test.count;
  const codes = await pair.encode(split.test.images);
  const recon = await pair.decode(codes);
  const test: ModelEntry['test'] = { samples: n, mse: meanMse(split.test.images, recon) };
  if (job.noiseStd) {
    const noisy = corrupt(
      split.test.images,
      job.spec.inputShape,
      { type: 'gaussian', std: job.noiseStd },
      SEED + 1,
    );
    const denoised = await pair.decode(await pair.encode(noisy));
    test.noisyMse = meanMse(split.test.images, noisy);
    test.denoisedMse = meanMse(split.test.images, denoised);
  }
  console.log(
    `${job.id}: held-out MSE ${test.mse.toFixed(5)}${test.denoisedMse !== undefined ? `, noisy ${test.noisyMse?.toFixed(5)} -> denoised ${test.denoisedMse.toFixed(5)}` : ''}`,
  );

  const count = Math.min(EXPLORER_POINTS, n);
  const dim = shapeSize(latentShape);
  const sample = codes.subarray(0, count * dim);
  const pca = Pca.fit(sample, dim, { components: 2 });
  const points = pca.transform(sample);
  const explained: [number, number] = [pca.explainedVarianceRatio[0]!, pca.explainedVarianceRatio[1]!];
  const pixels = inputShape[0] * inputShape[1] * inputShape[2];
  const explorer: ExplorerData = {
    method: 'PCA of the latent codes (VAE: means) of held-out images',
    explained,
    classNames: [...DATASETS[job.dataset].classNames],
    width: inputShape[1],
    height: inputShape[0],
    points: Array.from({ length: count }, (_, i) => ({
      x: Number(points[2 * i]!.toFixed(4)),
      y: Number(points[2 * i + 1]!.toFixed(4)),
      label: split.test.labels[i] ?? 0,
      image: Buffer.from(
        split.test.images.subarray(i * pixels, (i + 1) * pixels).map((v) => Math.round(v * 255)),
      ).toString('base64'),
    })),
  };
  await pair.release();
  await writeFileAtomic(join(outDir, files.explorer), JSON.stringify(explorer));
  return {
    id: job.id,
    title: job.title,
    description: job.description,
    kind: job.kind,
    dataset: job.dataset,
    inputShape,
    latentShape,
    ...files,
    trained: !untrained,
    ...(job.noiseStd ? { noiseStd: job.noiseStd } : {}),
    training: info,
    test,
  };
}

/**
 * Writes the manifest: this run's models (and detector) plus, with --only, the other models (and the
 * detector) of the existing manifest.
 */
async function writeManifest(models: readonly ModelEntry[], anomaly?: AnomalyEntry): Promise<void> {
  const path = join(outDir, 'manifest.json');
  const byId = new Map<string, ModelEntry>();
  let previousAnomaly: AnomalyEntry | undefined;
  if (existsSync(path)) {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    previousAnomaly = previous.anomaly;
    for (const entry of previous.models) {
      if (jobs.some((j) => j.id === entry.id)) byId.set(entry.id, entry);
    }
  }
  for (const entry of models) byId.set(entry.id, entry);
  const order = (id: string) => jobs.findIndex((j) => j.id === id);
  const manifest: Manifest = {
    version: 1,
    models: [...byId.values()].sort((a, b) => order(a.id) - order(b.id)),
  };
  const detector = anomaly ?? previousAnomaly;
  if (detector) manifest.anomaly = detector;
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const unknown = only?.filter((id) => id !== ANOMALY_ID && !jobs.some((j) => j.id === id)) ?? [];
  if (unknown.length) {
    throw new OptionError(
      `--only: unknown model ${unknown.join(', ')}; the models are ${[...jobs.map((j) => j.id), ANOMALY_ID].join(', ')}`,
    );
  }
  const models: ModelEntry[] = [];
  for (const job of jobs) {
    if (only && !only.includes(job.id)) continue;
    models.push(await runJob(job));
    // After each model, so an interrupted run keeps what it finished.
    await writeManifest(models);
  }
  let anomaly: AnomalyEntry | undefined;
  if (!untrained && (!only || only.includes(ANOMALY_ID))) {
    console.log(`${ANOMALY_ID}: loading data`);
    const { backend, name } = await trainingBackend();
    anomaly = await exportAnomalyDetector({
      backend,
      backendName: name,
      train: await load('fashion-mnist', FASHION_DIR, 'train'),
      test: await load('fashion-mnist', FASHION_DIR, 'test'),
      outDir,
      seed: SEED,
    });
    await writeManifest(models, anomaly);
  }
  console.log(`wrote ${models.length} models${anomaly ? ' and the anomaly detector' : ''} to ${outDir}`);
}

await main();
