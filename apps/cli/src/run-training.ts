import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type EpochMetrics, type FitOptions, OptionError, type TrainableModel } from '@aekit/core';
import { appendMetrics, METRICS_LOG } from '@aekit/core/node';
import { type DatasetName, type ImageDataset, loadDataset } from '@aekit/datasets';
import { imageGrid, writePng } from '@aekit/eval';
import { createTfjsBackend, type Device, saveTrainableModel } from '@aekit/tfjs-backend';
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
  testMse: number;
  samplesPerSecond: number;
  history: EpochMetrics[];
  out: string;
}

/** Samples shown in `reconstructions.png`. */
export const PICTURE_SAMPLES = 10;
/** Samples per forward pass when scoring the test set. */
const EVAL_CHUNK = 1000;

function fmt(value: number): string {
  return value.toFixed(4);
}

/** Mean squared error of `model`'s reconstructions of `x` (n samples) against `x`, and the first few outputs. */
async function testError(
  model: TrainableModel,
  x: Float32Array,
  n: number,
  keep: number,
): Promise<{ mse: number; first: Float32Array }> {
  const size = x.length / n;
  let sum = 0;
  let first = new Float32Array(0);
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const chunk = x.subarray(start * size, Math.min(n, start + EVAL_CHUNK) * size);
    const out = await model.reconstruct(chunk);
    for (let i = 0; i < chunk.length; i++) {
      const d = chunk[i]! - out[i]!;
      sum += d * d;
    }
    if (start === 0) first = out.slice(0, keep * size);
  }
  return { mse: sum / x.length, first };
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
 * checkpoints and logs metrics into `out`, scores the test set, draws `reconstructions.png`.
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
        await save();
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

  const { mse, first } = await testError(
    model,
    test.images,
    test.count,
    Math.min(PICTURE_SAMPLES, test.count),
  );
  const seconds = history.reduce((s, m) => s + m.seconds, 0);
  const samples = history.reduce((s, m) => s + m.samplesPerSecond * m.seconds, 0);
  const samplesPerSecond = seconds > 0 ? samples / seconds : 0;
  await save({ testMse: mse, testSamples: test.count, samplesPerSecond });
  const shown = first.length / (test.images.length / test.count);
  const picture = join(out, 'reconstructions.png');
  await writePng(
    picture,
    imageGrid([test.images.subarray(0, first.length), first], test.sampleShape, { columns: shown }),
  );
  io.out(`checkpoint, ${METRICS_LOG} and ${shown} test reconstructions (reconstructions.png) in ${out}`);
  io.out(`test MSE ${fmt(mse)} · ${Math.round(samplesPerSecond)} img/s`);
  model.dispose();
  return { testMse: mse, samplesPerSecond, history, out };
}
