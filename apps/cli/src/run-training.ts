import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Corruption, type Device, type EpochMetrics, type FitOptions, OptionError } from '@aekit/core';
import { appendMetrics, METRICS_LOG, saveTrainableModel } from '@aekit/core/node';
import { type DatasetName, type ImageDataset, loadDataset } from '@aekit/datasets';
import { imageGrid, writePng } from '@aekit/eval/images';
import { scoreDenoiser, scoreReconstructions } from '@aekit/eval/metrics';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { getIo } from './io.js';
import { getModel, type ModelCreateOptions } from './model-registry.js';
import { ProgressBar } from './progress-bar.js';

/** The options of `aekit train` after parsing (camelCase; model-specific options ride along). */
export interface TrainOptions extends Record<string, unknown> {
  model: string;
  dataset: DatasetName;
  dataDir?: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  latentDim: number;
  limit?: number;
  testLimit?: number;
  validationFraction: number;
  patience: number;
  device: Device;
  out: string;
}

export interface TrainSummary {
  /** MSE of the outputs against the clean test images (for a denoising model: of its outputs for noisy inputs). */
  testMse: number;
  samplesPerSecond: number;
  history: EpochMetrics[];
  out: string;
  /** A denoising model's scores on test inputs corrupted with its training noise (`testReport: 'denoising'`). */
  denoising?: DenoisingScores;
}

export interface DenoisingScores {
  /** The corruption, as `--noise` writes it (e.g. `gaussian:0.5`). */
  noise: string;
  /** Seed of the test noise (`TEST_NOISE_SEED`). */
  seed: number;
  /** Mean PSNR in dB (peak 1) of the noisy test inputs against the clean images. */
  psnrNoisy: number;
  /** Mean PSNR in dB of the model's outputs for the noisy inputs against the clean images. */
  psnrDenoised: number;
}

/** Samples shown in `reconstructions.png`. */
export const PICTURE_SAMPLES = 10;
/** Seed of the noise added to a denoising model's test inputs: fixed, so every run is scored on the same inputs. */
export const TEST_NOISE_SEED = 99;

function fmt(value: number): string {
  return value.toFixed(4);
}

/** A corruption as `--noise` writes it. */
function noiseText(c: Corruption): string {
  switch (c.type) {
    case 'gaussian':
      return `gaussian:${c.std}`;
    case 'saltPepper':
      return `saltPepper:${c.amount}`;
    case 'mask':
      return `mask:${c.fraction}:${c.blockSize}`;
    case 'watermark':
      return `watermark:${c.opacity}`;
  }
}

function checkDataDir(dir: string | undefined): void {
  if (dir === undefined) return;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new OptionError(
      `--data-dir "${dir}" is not a directory; pass the folder holding the IDX .gz files, or leave --data-dir out to use AEKIT_DATA_DIR, the cache, /usr/share/datasets or the shipped sample`,
      { details: { option: '--data-dir', actual: dir } },
    );
  }
}

function split(
  data: ImageDataset,
  fraction: number,
): { train: Float32Array; val?: Float32Array; nVal: number } {
  const nVal = Math.floor(data.count * fraction);
  const size = data.images.length / data.count;
  if (data.count - nVal < 1) {
    throw new OptionError(
      `--validation-fraction ${fraction} leaves no training samples out of ${data.count}; lower it or raise --limit`,
    );
  }
  const cut = (data.count - nVal) * size;
  return nVal > 0
    ? { train: data.images.subarray(0, cut), val: data.images.subarray(cut), nVal }
    : { train: data.images, nVal };
}

/**
 * `aekit train`: loads the dataset, trains the model on tfjs with a progress bar (TTY) or per-epoch lines,
 * checkpoints and logs metrics into `out`, scores the test set, draws `reconstructions.png`. A model with
 * `testReport: 'denoising'` is scored on test inputs corrupted with its training noise (seed `TEST_NOISE_SEED`):
 * PSNR of the noisy inputs and of its outputs against the clean images, MSE of the outputs; its picture shows
 * noisy inputs, outputs and clean images.
 */
export async function runTraining(options: TrainOptions): Promise<TrainSummary> {
  const io = getIo();
  const entry = getModel(options.model);
  checkDataDir(options.dataDir);
  const load = { dir: options.dataDir };
  const data = await loadDataset(options.dataset, { ...load, split: 'train', limit: options.limit });
  const test = await loadDataset(options.dataset, { ...load, split: 'test', limit: options.testLimit });
  const createOptions: ModelCreateOptions = { ...options, inputShape: data.sampleShape };
  const spec = entry.create(createOptions);
  const noise = entry.testReport === 'denoising' ? spec.corruption : undefined;
  if (entry.testReport === 'denoising' && !noise) {
    throw new Error(`model "${options.model}" is scored as a denoiser but its spec has no corruption`);
  }
  const { train, val, nVal } = split(data, options.validationFraction);

  const backend = createTfjsBackend(options.device === 'auto' ? {} : { device: options.device });
  await backend.init();
  const model = await backend.createModel(spec, { seed: options.seed });
  const out = options.out;
  await rm(join(out, METRICS_LOG), { force: true });
  io.out(
    `training ${options.model} (${spec.name}) on ${data.count - nVal} ${options.dataset} images` +
      (nVal ? `, validating on ${nVal}` : '') +
      `, ${options.epochs} epochs of batch ${options.batchSize} -> ${out}`,
  );

  const meta = () => ({
    dataset: options.dataset,
    dataSource: data.source,
    trainSamples: data.count - nVal,
    validationSamples: nVal,
    options: Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  });
  const save = (extra: Record<string, unknown> = {}) =>
    saveTrainableModel(out, model, { ...meta(), ...extra });

  const bar = new ProgressBar(io);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const fitOptions: FitOptions = {
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.lr,
    seed: options.seed,
    ...(val ? { validation: { x: val } } : {}),
    ...(options.patience > 0 ? { earlyStopping: { patience: options.patience, restoreBest: true } } : {}),
    signal: controller.signal,
    // The trainer saves the checkpoint after every epoch (after onEpochEnd has logged its metrics).
    checkpoint: { dir: out, meta },
    ...entry.fitOptions?.(spec, createOptions),
    callbacks: {
      onBatchEnd: (info) => bar.update({ ...info, epochs: options.epochs }),
      onEpochEnd: async (m) => {
        bar.clear();
        io.out(
          `epoch ${m.epoch}/${options.epochs} · loss ${fmt(m.loss)}` +
            (m.valLoss === undefined ? '' : ` · val loss ${fmt(m.valLoss)}`) +
            ` · ${m.seconds.toFixed(1)} s · ${Math.round(m.samplesPerSecond)} img/s`,
        );
        await appendMetrics(out, { ...m });
        bar.start();
      },
    },
  };
  let history: EpochMetrics[];
  try {
    bar.start();
    const result = await model.fit({ x: train }, fitOptions);
    history = result.history;
    bar.clear();
    if (controller.signal.aborted) io.err('interrupted: stopped after the last complete epoch');
    if (result.stoppedEarly) {
      io.out(`early stopping: no improvement for ${options.patience} epochs; best epoch ${result.bestEpoch}`);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }

  // A denoiser is scored on test inputs corrupted with the noise it trained with, against the clean images.
  const size = test.images.length / test.count;
  const shown = Math.min(PICTURE_SAMPLES, test.count);
  const denoised = noise && {
    noise,
    ...(await scoreDenoiser(model, test.images, { corruption: noise, seed: TEST_NOISE_SEED, keep: shown })),
  };
  const { mse, first } =
    denoised ||
    (await scoreReconstructions(model, test.images, test.images, { sampleSize: size, keep: shown }));
  const denoising: DenoisingScores | undefined = denoised && {
    noise: noiseText(denoised.noise),
    seed: TEST_NOISE_SEED,
    psnrNoisy: denoised.psnrNoisy,
    psnrDenoised: denoised.psnr,
  };
  const seconds = history.reduce((s, m) => s + m.seconds, 0);
  const samples = history.reduce((s, m) => s + m.samplesPerSecond * m.seconds, 0);
  const samplesPerSecond = seconds > 0 ? samples / seconds : 0;
  await save({
    testMse: mse,
    testSamples: test.count,
    samplesPerSecond,
    ...(denoising && {
      testNoise: denoising.noise,
      testNoiseSeed: denoising.seed,
      testPsnrNoisy: denoising.psnrNoisy,
      testPsnrDenoised: denoising.psnrDenoised,
    }),
  });
  const clean = test.images.subarray(0, shown * size);
  const picture = join(out, 'reconstructions.png');
  const rows = denoised ? [denoised.firstNoisy, first, clean] : [clean, first];
  await writePng(picture, imageGrid(rows, test.sampleShape, { columns: shown }));
  const rate = `${Math.round(samplesPerSecond)} img/s`;
  if (denoising) {
    io.out(
      `checkpoint, ${METRICS_LOG} and ${shown} test images (reconstructions.png: noisy inputs, denoised outputs, clean targets) in ${out}`,
    );
    io.out(
      `test inputs with ${denoising.noise} noise (seed ${denoising.seed}), scored against the clean images:`,
    );
    io.out(
      `test PSNR noisy ${denoising.psnrNoisy.toFixed(2)} dB · denoised ${denoising.psnrDenoised.toFixed(2)} dB · MSE ${fmt(mse)} · ${rate}`,
    );
  } else {
    io.out(`checkpoint, ${METRICS_LOG} and ${shown} test reconstructions (reconstructions.png) in ${out}`);
    io.out(`test MSE ${fmt(mse)} · ${rate}`);
  }
  model.dispose();
  return { testMse: mse, samplesPerSecond, history, out, ...(denoising && { denoising }) };
}
