import { existsSync, statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  AekitError,
  CHECKPOINT_MANIFEST,
  type Corruption,
  DataError,
  type Device,
  type EpochMetrics,
  type FitOptions,
  gatherRows,
  inferShapes,
  type ModelSpec,
  type NamedTensor,
  OptionError,
  type Scaler,
  scaleValues,
  shapeSize,
  type TrainableModel,
  TrainingDivergedError,
  validateSpec,
} from '@aekit/core';
import {
  acquireRunLock,
  appendMetrics,
  ensureWritableDir,
  isCheckpointFile,
  loadCheckpoint,
  loadTrainableModel,
  METRICS_LOG,
  type RunLock,
  saveTrainableModel,
  truncateMetrics,
} from '@aekit/core/node';
import {
  type DatasetName,
  type FitPolicy,
  fitScaler,
  loadDataset,
  type MissingPolicy,
  type ScalerType,
} from '@aekit/datasets';
import { Pca } from '@aekit/eval/baselines';
import { imageGrid, writePng } from '@aekit/eval/images';
import { msePer, scoreDenoiser, scoreReconstructions } from '@aekit/eval/metrics';
import { pcaWarmStart } from '@aekit/models';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { getIo } from './io.js';
import { MISSING_FILL_META, type MissingFill } from './missing-fill.js';
import { getModel, type ModelCreateOptions } from './model-registry.js';
import { ProgressBar } from './progress-bar.js';
import {
  FEATURE_ERRORS_PNG,
  SERIES_PNG,
  SERIES_WINDOWS_SHOWN,
  writeFeatureErrors,
  writeSeriesWindows,
} from './run-report.js';
import { splitByTime, windowed } from './series-data.js';
import { TABLE_DEFAULTED, tableDefaults } from './table-defaults.js';
import {
  alignLabels,
  badRowsText,
  fillFromTraining,
  holdOut,
  loadUserData,
  trainingMeans,
  type UserData,
} from './user-data.js';

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
  /** Continue the run in `out` from its last checkpoint (its options come from the checkpoint). */
  resume?: boolean;
  /** Replace the run in `out`, if any. */
  force?: boolean;
  /** The user's own data (a .csv/.tsv table, a .npy/.npz array or a folder of images) instead of `dataset`. */
  data?: string;
  /** Test data of the same kind; default: a held-out `testFraction` of `data`. */
  testData?: string;
  /** Fraction of `data` held out for the test when there is no `testData` (seeded by `seed`). */
  testFraction?: number;
  /** A table's feature columns (names or 0-based indices of the file's columns). */
  columns?: string[];
  /** A table's label (or id) column, kept out of the features. */
  labelColumn?: string;
  /** A table's id column (text is fine), kept out of the features. */
  idColumn?: string;
  /** Lines of a table to skip before its header or first row. */
  skipLines?: number;
  /** An image folder's sample size [height, width] (scale to cover, centre crop). */
  imageSize?: number[];
  /** An image folder's channels, 1 or 3. */
  channels?: number;
  /** How an image folder's images are brought to `imageSize`: crop (default), resize or pad. */
  fit?: FitPolicy;
  /** Leave out bad items of `data` / `testData` (unreadable images) and count them, instead of exit 1. */
  skipBad?: boolean;
  /** The scaler fitted on the training part of `data`: part of the model (spec, checkpoint, ONNX). */
  scale?: ScalerType | 'none';
  /** The array of a .npz `data` (needed when it holds several). */
  array?: string;
  /** Options left at their general default on the command line: a table gets its own (`tableDefaults`). */
  defaulted?: string[];
  /** Cut `data` (a table's rows or an array's steps) into windows of this many steps: a series. */
  window?: number;
  /** Steps between the starts of two windows. Default `window`. */
  stride?: number;
  /** What a table's cells without a value become (`mean`: the training part's column means). Default `error`. */
  missing?: MissingPolicy;
  /**
   * The initial weights: `random` (default, `initialWeights`) or `pca`, PCA's solution on the training part
   * (`pcaWarmStart`, dense and deep models), fine-tuned and kept only where the validation part agrees
   * (`keepWarmStartUnlessBeaten`), else PCA's solution on every training sample.
   */
  init?: WeightInit;
}

/** Choices of `--init`. */
export const WEIGHT_INITS = ['random', 'pca'] as const;
export type WeightInit = (typeof WEIGHT_INITS)[number];

/** Default of `--test-fraction`. */
export const DEFAULT_TEST_FRACTION = 0.2;

/** The files `aekit train` writes into a run directory (besides the checkpoint's own). */
const RUN_FILES = [METRICS_LOG, 'reconstructions.png', FEATURE_ERRORS_PNG, SERIES_PNG];

export interface TrainSummary {
  /** MSE of the outputs against the clean test images (for a denoising model: of its outputs for noisy inputs). */
  testMse: number;
  samplesPerSecond: number;
  history: EpochMetrics[];
  out: string;
  /** A denoising model's scores on test inputs corrupted with its training noise (`testReport: 'denoising'`). */
  denoising?: DenoisingScores;
  /** For `--data` runs: test MSE of the trivial and the linear baselines, on the same (scaled) values. */
  baselines?: BaselineScores;
  /** Bad items `--skip-bad` left out of the data. */
  skipped?: number;
}

export interface BaselineScores {
  /** Every test sample reconstructed as the mean training sample. */
  meanSample: number;
  /** PCA fitted on the training samples with as many components as the model's code has values. */
  pca?: {
    components: number;
    mse: number /** Training samples PCA was fitted on, when fewer than all. */;
    fittedOn?: number;
  };
  /** Why there is no PCA baseline, when the code is too large for one (see `PCA_MAX_COMPONENTS`). */
  pcaSkipped?: string;
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

/** Samples a run trains or tests on, whatever they came from. */
export interface Samples {
  images: Float32Array;
  count: number;
}

function split(data: Samples, fraction: number): { train: Float32Array; val?: Float32Array; nVal: number } {
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
 * Prepares `out` for a run before anything is trained: a writable directory (checked with a bounded probe),
 * not holding another run unless `resume` or `force` says what to do with it, and locked for this process.
 * `force` removes only the files a run writes (checkpoint, metrics, picture), never the directory itself.
 */
async function prepareRunDirectory(options: TrainOptions): Promise<RunLock> {
  const out = options.out;
  await ensureWritableDir(out, '--out');
  const lock = await acquireRunLock(out, 'aekit train');
  try {
    const hasRun = existsSync(join(out, CHECKPOINT_MANIFEST));
    if (options.resume) {
      if (!hasRun) {
        throw new OptionError(
          `--resume ${out}: no ${CHECKPOINT_MANIFEST} there, so there is no run to continue; start one with --out ${out}`,
          { details: { option: '--resume', actual: out } },
        );
      }
    } else if (hasRun && !options.force) {
      throw new AekitError(
        'RUN_EXISTS',
        `--out ${out} already holds a run (${CHECKPOINT_MANIFEST}); continue it with --resume ${out}, replace it with --force, or choose another --out`,
        { details: { out } },
      );
    } else if (options.force) {
      for (const name of await readdir(out)) {
        if (RUN_FILES.includes(name) || isCheckpointFile(name)) await rm(join(out, name), { force: true });
      }
    }
    return lock;
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** The options a resumed run continues with: those stored in its checkpoint, with `--epochs` and `--device` as given. */
export async function resumedOptions(out: string, given: Partial<TrainOptions>): Promise<TrainOptions> {
  if (!existsSync(join(out, CHECKPOINT_MANIFEST))) {
    throw new OptionError(
      `--resume ${out}: no ${CHECKPOINT_MANIFEST} there, so there is no run to continue; start one with --out ${out}`,
      { details: { option: '--resume', actual: out } },
    );
  }
  const { meta = {} } = await loadCheckpoint(out, { optimizer: false });
  const stored = meta.options as Partial<TrainOptions> | undefined;
  if (!stored || typeof stored.model !== 'string') {
    throw new OptionError(
      `--resume ${out}: the checkpoint holds no "aekit train" options (it was not written by aekit train); train it with the API, or start a new run`,
    );
  }
  return {
    ...stored,
    ...(given.epochs !== undefined ? { epochs: given.epochs } : {}),
    ...(given.device !== undefined ? { device: given.device } : {}),
    out,
    resume: true,
    force: false,
  } as TrainOptions;
}

/**
 * `aekit train`: loads the dataset, trains the model on tfjs with a progress bar (TTY) or per-epoch lines,
 * checkpoints after every epoch and logs metrics into `out`, scores the test set, draws `reconstructions.png`.
 * A model with `testReport: 'denoising'` is scored on test inputs corrupted with its training noise (seed
 * `TEST_NOISE_SEED`): PSNR of the noisy inputs and of its outputs against the clean images, MSE of the outputs;
 * its picture shows noisy inputs, outputs and clean images. `resume` continues the run in `out` from its last
 * checkpoint (weights, optimizer, epoch, early stopping); Ctrl-C stops after the current step (exit 130, the
 * last epoch's checkpoint kept); a diverging run stops at the step where the loss stops being finite.
 */
export async function runTraining(options: TrainOptions): Promise<TrainSummary> {
  const entry = getModel(options.model);
  checkDataDir(options.dataDir);
  const lock = await prepareRunDirectory(options);
  try {
    return await train(options, entry);
  } finally {
    await lock.release();
  }
}

/** What a run trains and tests on: a named dataset's splits, or the user's data (scaled, with its scaler). */
interface RunData {
  data: Samples;
  test: Samples;
  sampleShape: number[];
  /** What the samples are, for the log: `fashion-mnist images`, `rows of cancer.csv`... */
  what: string;
  table: boolean;
  scaler?: Scaler;
  /** Windows of a series (`--window`): their pictures and ids. */
  series?: boolean;
  /** A series' test windows: the step where each starts. */
  testIds?: Uint32Array;
  /** Names of a table's features or a series' channels (its columns). */
  channels?: string[];
  meta: Record<string, unknown>;
  /** Bad items `--skip-bad` left out. */
  skipped?: number;
}

/** The first `limit` samples of `d` (all of them without one): what `--limit` / `--test-limit` keep. */
export function limited(d: UserData, limit: number | undefined): UserData {
  if (limit === undefined || limit >= d.count) return d;
  return {
    ...d,
    count: limit,
    x: d.x.subarray(0, limit * (d.x.length / d.count)),
    ...(d.ids && { ids: d.ids.subarray(0, limit) }),
    ...(d.labels && { labels: d.labels.subarray(0, limit) }),
  };
}

async function loadRunData(options: TrainOptions, entry: ReturnType<typeof getModel>): Promise<RunData> {
  if (options.data === undefined) {
    const load = options.dataDir === undefined ? {} : { dir: options.dataDir, onlyDir: true };
    const data = await loadDataset(options.dataset, { ...load, split: 'train', limit: options.limit });
    const test = await loadDataset(options.dataset, { ...load, split: 'test', limit: options.testLimit });
    return {
      data,
      test,
      sampleShape: data.sampleShape,
      what: `${options.dataset} images`,
      table: false,
      meta: { dataset: options.dataset, dataSource: data.source },
    };
  }
  const table = {
    ...(options.columns && { columns: options.columns }),
    ...(options.labelColumn !== undefined && { labelColumn: options.labelColumn }),
    ...(options.idColumn !== undefined && { idColumn: options.idColumn }),
    ...(options.skipLines !== undefined && { skipLines: options.skipLines }),
    ...(options.missing !== undefined && { missing: options.missing }),
    ...(options.array !== undefined && { array: options.array }),
    ...(options.imageSize && { imageSize: options.imageSize }),
    ...(options.channels !== undefined && { channels: options.channels }),
    ...(options.fit && { fit: options.fit }),
    ...(options.skipBad && { skipBad: true }),
  };
  // An image folder is read only as far as --limit / --test-limit need (an even share of its files).
  const held = options.testData === undefined ? 1 - (options.testFraction ?? DEFAULT_TEST_FRACTION) : 1;
  const all = await loadUserData(
    options.data,
    {
      ...table,
      ...(options.limit !== undefined && { maxImages: Math.max(2, Math.ceil(options.limit / held)) }),
    },
    '--data',
  );
  // A series (--window) is held out by time, its last part, and cut into windows after the split.
  const series =
    options.window === undefined
      ? undefined
      : { window: options.window, ...(options.stride !== undefined && { stride: options.stride }) };
  let { train, test } =
    options.testData === undefined
      ? series
        ? splitByTime(all, options.testFraction ?? DEFAULT_TEST_FRACTION, series)
        : holdOut(all, options.testFraction ?? DEFAULT_TEST_FRACTION, options.seed)
      : {
          train: all,
          test: await loadUserData(
            options.testData,
            { ...table, ...(options.testLimit !== undefined && { maxImages: options.testLimit }) },
            '--test-data',
          ),
        };
  const io = getIo();
  const skipped: { file: string; reason: string }[] = [];
  for (const [flag, d] of [
    ['--data', all],
    ['--test-data', options.testData === undefined ? undefined : test],
  ] as const) {
    const rows = d?.skippedRows ?? [];
    if (d && rows.length > 0) {
      io.out(
        `${flag} ${d.file}: skipped ${rows.length} bad row${rows.length === 1 ? '' : 's'} (--skip-bad): ${badRowsText(rows)}`,
      );
      skipped.push(...rows.map((r) => ({ file: `${d.file}:${r.line}`, reason: r.reason })));
    }
    if (!d?.images) continue;
    const { workers, seconds, skipped: left } = d.images;
    io.out(
      `${flag} ${d.file}: ${d.count} images decoded on ${workers} thread${workers === 1 ? '' : 's'} in ${seconds.toFixed(1)} s` +
        (left.length > 0
          ? `; ${left.length} bad files skipped (--skip-bad), the first: ${left[0]!.file}: ${left[0]!.reason}`
          : ''),
    );
    skipped.push(...left.map((f) => ({ file: `${d.file}/${f.file}`, reason: f.reason })));
  }
  if (series && options.testData !== undefined) {
    train = windowed(train, series);
    test = windowed(test, series);
  }
  if (test.sampleShape.join() !== train.sampleShape.join()) {
    throw new DataError(
      'DATA_INVALID',
      `--test-data ${test.file}: samples of shape [${test.sampleShape.join(', ')}], but --data ${train.file} has [${train.sampleShape.join(', ')}]; pass test data with the same columns or shape`,
      { details: { file: test.file, expected: train.sampleShape, actual: test.sampleShape } },
    );
  }
  // --missing mean: the training part's means, kept in the checkpoint for run, compare and eval.
  const fill = options.missing === 'mean' ? trainingMeans(train) : undefined;
  ({ train, test } = fillFromTraining(train, test, fill));
  // A label column of class names: the test part's names mapped to the training part's numbers.
  test = alignLabels(train, test);
  if (train.labelNames) {
    io.out(
      `--label-column ${options.labelColumn}: ${train.labelNames.length} classes (first-seen order): ${train.labelNames.map((n, i) => `${n}=${i}`).join(', ')}`,
    );
  }
  train = limited(train, options.limit);
  test = limited(test, options.testLimit);
  const isTable = train.sampleShape.length === 1;
  if ((train.kind === 'series') !== Boolean(entry.series)) {
    throw new OptionError(
      entry.series
        ? `--model ${options.model} trains on windows of a series; pass --window <steps> (and --stride) to cut ${train.file} into windows`
        : `--model ${options.model} does not train on series windows; use --model conv1d or lstm with --window`,
      { details: { option: '--model', actual: options.model } },
    );
  }
  if (isTable && !entry.tables) {
    throw new OptionError(
      `--model ${options.model} does not train on tables yet; use --model ${['dense', 'deep'].join(' or ')} for the rows of ${train.file}`,
      { details: { option: '--model', actual: options.model } },
    );
  }
  // The scaler is fitted on the training samples only and becomes part of the model. Images keep [0, 1]
  // (per-channel min-max), what the image models' sigmoid output and BCE take.
  const images = train.kind === 'images';
  const scale = options.scale ?? (images ? 'minmax' : 'zscore');
  if (images && scale === 'zscore') {
    throw new OptionError(
      `--scale zscore gives image values outside [0, 1], which the image models' sigmoid output and BCE loss cannot reconstruct; use --scale minmax (the default for images) or none`,
      { details: { option: '--scale', actual: scale } },
    );
  }
  const last = train.sampleShape[train.sampleShape.length - 1]!;
  const scaler = scale === 'none' ? undefined : fitScaler(scale, train.x, last, train.file);
  const scaled = (d: UserData) => (scaler ? scaleValues(scaler, d.x) : d.x);
  const gaps = [all, ...(options.testData === undefined ? [] : [test])].reduce(
    (n, d) => ({ cells: n.cells + (d.missing?.cells ?? 0), rows: n.rows + (d.missing?.droppedRows ?? 0) }),
    { cells: 0, rows: 0 },
  );
  const columns =
    (train.columns ? ` (${train.columns.length} columns)` : '') +
    (gaps.cells > 0
      ? `, ${gaps.cells} missing values ${options.missing === 'drop-rows' ? `(${gaps.rows} rows dropped)` : `filled (${options.missing})`}`
      : '');
  return {
    data: { images: scaled(train), count: train.count },
    test: { images: scaled(test), count: test.count },
    sampleShape: train.sampleShape,
    what: `${
      train.kind === 'table'
        ? 'rows'
        : train.kind === 'images'
          ? `${train.sampleShape.join('x')} images`
          : train.kind === 'series'
            ? `windows of ${series?.window} steps x ${train.sampleShape[1]} channels (stride ${series?.stride ?? series?.window}; test: the last part of the series)`
            : 'samples'
    } of ${train.file}${columns}, ${scale} scaled`,
    table: isTable,
    ...(scaler && { scaler }),
    ...(train.kind === 'series' && { series: true }),
    ...(test.ids && { testIds: test.ids }),
    ...(train.columns && { channels: train.columns }),
    ...(skipped.length > 0 && { skipped: skipped.length }),
    meta: {
      ...(skipped.length > 0 && { skipped }),
      data: options.data,
      ...(options.testData !== undefined && { testData: options.testData }),
      ...(train.columns && { columns: train.columns }),
      ...(train.labelNames && { labelNames: train.labelNames }),
      ...(options.missing !== undefined &&
        options.missing !== 'error' && {
          [MISSING_FILL_META]: {
            policy: options.missing,
            ...(fill && { fill }),
            ...(train.columns && { columns: train.columns }),
          } satisfies MissingFill,
        }),
      scale,
    },
  };
}

/**
 * A table's own defaults (`tableDefaults`) for the options the command line left at the general default
 * (`defaulted`), said once; a resumed run keeps the values it stored.
 */
function withTableDefaults(options: TrainOptions, run: RunData): TrainOptions {
  if (!run.table || options.resume || !options.defaulted) return options;
  const defaults = tableDefaults(run.sampleShape[0]!);
  const applied = Object.fromEntries(
    TABLE_DEFAULTED.filter((k) => k !== 'model' && options.defaulted!.includes(k)).map((k) => [
      k,
      defaults[k],
    ]),
  );
  if (Object.keys(applied).length === 0) return options;
  getIo().out(
    `table defaults (options not given): ${Object.entries(applied)
      .map(
        ([k, v]) =>
          `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${Array.isArray(v) ? v.join(',') : v}`,
      )
      .join(' ')}`,
  );
  return { ...options, ...applied };
}

/** A PCA fitted as the baseline is (`fitBaselinePca`). */
export interface BaselinePca {
  pca: Pca;
  /** Training samples it was fitted on, when fewer than all. */
  fittedOn?: number;
}

/**
 * PCA with `components` (capped by the data) fitted on `train` as the baseline is, on at most `PCA_FIT_MAX`
 * evenly spaced samples: undefined when no component count fits (k < 1 or k >= the sample size), a reason
 * when the code has more than `PCA_MAX_COMPONENTS` values.
 */
export function fitBaselinePca(
  train: Samples,
  size: number,
  components: number,
): BaselinePca | string | undefined {
  const k = Math.min(components, size, train.count);
  if (k < 1 || k >= size) return undefined;
  if (k > PCA_MAX_COMPONENTS) return `PCA(${k}) skipped: the code has more than ${PCA_MAX_COMPONENTS} values`;
  const fitted = evenlySpaced(
    train,
    size,
    Math.max(k, Math.min(PCA_FIT_MAX, Math.floor(PCA_FIT_VALUES / size))),
  );
  const pca = Pca.fit(fitted, size, { components: k, tolerance: PCA_TOLERANCE, iterations: PCA_ITERATIONS });
  return fitted.length < train.images.length ? { pca, fittedOn: fitted.length / size } : { pca };
}

/**
 * Test MSE of the mean training sample and of PCA with `components` (capped by the data), on the same values;
 * `fitted`: that PCA when it is already fitted on `train` (`fitBaselinePca`).
 */
export function baselineScores(
  train: Samples,
  test: Samples,
  size: number,
  components: number,
  fitted = fitBaselinePca(train, size, components),
): BaselineScores {
  const mean = new Float64Array(size);
  for (let i = 0; i < train.images.length; i++) mean[i % size] = mean[i % size]! + train.images[i]!;
  for (let j = 0; j < size; j++) mean[j] = mean[j]! / train.count;
  const mse = (y: (i: number) => number) => {
    let sum = 0;
    for (let i = 0; i < test.images.length; i++) sum += (test.images[i]! - y(i)) ** 2;
    return sum / test.images.length;
  };
  const meanSample = mse((i) => mean[i % size]!);
  if (fitted === undefined) return { meanSample };
  if (typeof fitted === 'string') return { meanSample, pcaSkipped: fitted };
  const recon = fitted.pca.reconstruct(test.images);
  const pca = { components: fitted.pca.componentCount, mse: mse((i) => recon[i]!) };
  return { meanSample, pca: fitted.fittedOn === undefined ? pca : { ...pca, fittedOn: fitted.fittedOn } };
}

/**
 * The PCA baseline is fitted on at most this many training samples (evenly spaced): its subspace
 * iteration over 16,000 images of 64x64x3 ran for more than 6 minutes in JS (and over 2,000 of them, with
 * up to 40 iterations, still for minutes).
 */
export const PCA_FIT_MAX = 2000;
/**
 * No PCA baseline for a code of more values than this: a conv model's code on 64x64x3 images has 2,048, and
 * a subspace iteration for that many components over 12,288-value samples ran for more than 10 minutes after
 * a 40 s epoch (20,000-image run).
 */
export const PCA_MAX_COMPONENTS = 256;
/** ... and on at most this many values: 651 samples of 64x64x3 (12,288 values each). */
const PCA_FIT_VALUES = 8_000_000;
/** The baseline's subspace iteration stops at this relative change of captured variance (PCA's own default: 1e-7)... */
const PCA_TOLERANCE = 1e-5;
/** ... or after this many iterations (PCA's own default: 40). */
const PCA_ITERATIONS = 20;

/** At most `max` samples of `from`, evenly spaced (all of them when there are no more). */
function evenlySpaced(from: Samples, size: number, max: number): Float32Array {
  if (from.count <= max) return from.images;
  const rows = Uint32Array.from({ length: max }, (_, i) => Math.floor((i * from.count) / max));
  return gatherRows(from.images, size, rows, 'PCA baseline');
}

/** What a PCA warm start needs to judge the fine-tuned model. */
interface WarmStart {
  /** The validation samples, of `size` values each. */
  val: Float32Array;
  size: number;
  components: number;
  /** The range the outputs are clipped to, when they are. */
  clip?: [number, number];
}

/** Mean of `values`. */
const meanOf = (values: Float64Array) => values.reduce((s, v) => s + v, 0) / values.length;

const INIT_FIX = 'use --model dense or deep (hidden sizes >= 2 x --latent-dim), or leave --init out';

/** `pcaWarmStart` for the CLI: a spec it cannot start at PCA is an OptionError of --init with the fix. */
function warmWeights(spec: ModelSpec, pca: Pca, seed: number, clip?: [number, number]): NamedTensor[] {
  try {
    return pcaWarmStart(spec, pca, seed, clip ? { clip } : {});
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    throw new OptionError(`--init pca: ${error.message}; ${INIT_FIX}`, {
      cause: error,
      details: { option: '--init', actual: 'pca' },
    });
  }
}

/** PCA with `k` components as the baseline fits it, or an OptionError of --init when there is none. */
function pcaForInit(samples: Samples, spec: ModelSpec, k: number): BaselinePca {
  const size = samples.images.length / samples.count;
  const fitted = fitBaselinePca(samples, size, k);
  if (typeof fitted === 'object' && fitted.pca.componentCount === k) return fitted;
  throw new OptionError(
    `--init pca: model "${spec.name}" has a code of ${k} values, and PCA(${k}) cannot be fitted on ${samples.count} training samples of ${size} values${typeof fitted === 'string' ? ` (${fitted})` : ''}; lower --latent-dim`,
    { details: { option: '--init', actual: 'pca' } },
  );
}

/**
 * `--init pca`: sets the model's weights to PCA's solution (`pcaWarmStart`) with as many components as its
 * code has values, the PCA fitted on the training part only (as the baseline fits it), so that the
 * validation part judges the start and the fine-tuned epochs alike; says the start's validation loss. Data
 * in [0, 1] get outputs clipped to [0, 1] when the last decoder hidden layer has 2 x features units or more
 * (`pcaWarmStart`'s `clip`).
 */
async function startAtPca(
  model: TrainableModel,
  options: TrainOptions,
  train: Samples,
  val: Float32Array | undefined,
): Promise<WarmStart> {
  if (!val) {
    throw new OptionError(
      `--init pca keeps the best validation epoch, the warm start included, but --validation-fraction ${options.validationFraction} leaves no validation samples; raise it (e.g. 0.1)`,
      { details: { option: '--validation-fraction', actual: options.validationFraction } },
    );
  }
  const spec = model.spec;
  const k = shapeSize(inferShapes(spec).latent);
  const size = train.images.length / train.count;
  // Values in [0, 1] (min-max scaled, or images unscaled) get outputs clipped to [0, 1] where the last decoder
  // hidden layer can hold it: never further from a target in that range than PCA's reconstruction.
  const unitRange = spec.scaler ? spec.scaler.type === 'minmax' : spec.inputShape.length === 3;
  const dense = spec.decoder.flatMap((l) => (l.type === 'dense' ? [l.units] : []));
  const clip: [number, number] | undefined =
    unitRange && dense.length >= 2 && dense.at(-2)! >= 2 * size ? [0, 1] : undefined;
  const weights = warmWeights(spec, pcaForInit(train, spec, k).pca, options.seed, clip);
  model.setWeights(weights);
  const valErrors = msePer(val, await model.reconstruct(val), size);
  const clipped = clip
    ? ', outputs clipped to [0, 1]'
    : unitRange
      ? ` (with a first --hidden size of at least ${2 * size}, the outputs would be clipped to [0, 1])`
      : '';
  getIo().out(
    `--init pca: started at PCA(${k}) of the ${train.count} training samples${clipped} · val MSE ${fmt(meanOf(valErrors))} (epoch 0)`,
  );
  return { val, size, components: k, ...(clip && { clip }) };
}

/**
 * After fine-tuning from a PCA warm start (the trainer kept its best validation epoch): the fine-tuned model
 * stays only where the validation part agrees, when its per-sample errors there are lower than those of the
 * PCA fitted on every training sample (`full`: the baseline's PCA, which has seen the validation part, so the
 * test is conservative) by more than twice the standard error of the paired differences. Otherwise the
 * model becomes that PCA's solution and reconstructs as the PCA baseline does (clipped, when the start was).
 */
async function keepWarmStartUnlessBeaten(
  model: TrainableModel,
  warm: WarmStart,
  full: Pca,
  seed: number,
): Promise<void> {
  const { val, size } = warm;
  const tunedWeights = model.getWeights();
  const tuned = msePer(val, await model.reconstruct(val), size);
  model.setWeights(warmWeights(model.spec, full, seed, warm.clip));
  const pca = msePer(val, await model.reconstruct(val), size);
  const n = tuned.length;
  const gains = pca.map((e, i) => e - tuned[i]!);
  const gain = meanOf(gains);
  const se = Math.sqrt(gains.reduce((s, g) => s + (g - gain) ** 2, 0) / Math.max(1, n - 1) / n);
  const said = `fine-tuned val MSE ${fmt(meanOf(tuned))}, PCA(${warm.components}) of every training sample ${fmt(meanOf(pca))} (fine-tuned lower by ${gain.toExponential(2)} ± ${se.toExponential(2)} on ${n} samples)`;
  if (gain > 2 * se) {
    model.setWeights(tunedWeights);
    getIo().out(`--init pca: ${said}; kept the fine-tuned model`);
  } else {
    getIo().out(
      `--init pca: ${said}, not lower by twice the standard error; the model is that PCA(${warm.components})${warm.clip ? ', its outputs clipped to [0, 1]' : ', as the baseline'}`,
    );
  }
}

async function train(given: TrainOptions, entry: ReturnType<typeof getModel>): Promise<TrainSummary> {
  const io = getIo();
  const out = given.out;
  const run = await loadRunData(given, entry);
  const options = withTableDefaults(given, run);
  const { data, test } = run;
  const createOptions: ModelCreateOptions = {
    ...options,
    inputShape: run.sampleShape,
    ...(run.table && { table: true }),
  };
  const built = entry.create(createOptions);
  const spec = run.scaler
    ? validateSpec({
        ...built,
        scaler: run.scaler,
        preprocessing: `raw float32 values; the ${run.scaler.type} scaler fitted on the training data (spec.scaler) is applied by withScaler and inside the ONNX graph`,
      })
    : built;
  const noise = entry.testReport === 'denoising' ? spec.corruption : undefined;
  if (entry.testReport === 'denoising' && !noise) {
    throw new Error(`model "${options.model}" is scored as a denoiser but its spec has no corruption`);
  }
  const { train, val, nVal } = split(data, options.validationFraction);

  const backend = createTfjsBackend(options.device === 'auto' ? {} : { device: options.device });
  await backend.init();
  let model: TrainableModel;
  let history: EpochMetrics[] = [];
  if (options.resume) {
    model = await loadTrainableModel(out, backend);
    if (JSON.stringify(model.spec) !== JSON.stringify(spec)) {
      model.dispose();
      throw new OptionError(
        `--resume ${out}: the checkpoint's model "${model.spec.name}" is not the one its options build ("${spec.name}"); it was changed by hand, start a new run`,
      );
    }
    history = await truncateMetrics(out, model.getTrainingState().epoch);
  } else {
    model = await backend.createModel(spec, { seed: options.seed });
  }
  // The baseline's PCA, when a warm start needed it before the baseline scores.
  let baselinePca: BaselinePca | undefined;
  const warm =
    options.init === 'pca' && !options.resume
      ? await startAtPca(model, options, { images: train, count: data.count - nVal }, val)
      : undefined;
  const done = model.getTrainingState().epoch;
  const remaining = options.epochs - done;
  if (options.resume && remaining <= 0) {
    model.dispose();
    throw new OptionError(
      `--resume ${out}: the run has finished its ${options.epochs} epochs (checkpoint of epoch ${done}); pass a larger --epochs to train it longer`,
      { details: { option: '--epochs', expected: `> ${done}`, actual: options.epochs } },
    );
  }
  io.out(
    `${options.resume ? `resuming ${out} after epoch ${done}: ` : ''}training ${options.model} (${spec.name}) on ${data.count - nVal} ${run.what}` +
      (nVal ? `, validating on ${nVal}` : '') +
      `, ${options.epochs} epochs of batch ${options.batchSize} -> ${out}`,
  );

  const stored = Object.fromEntries(
    Object.entries(options).filter(([k, v]) => v !== undefined && k !== 'resume' && k !== 'force'),
  );
  const meta = () => ({
    ...run.meta,
    trainSamples: data.count - nVal,
    validationSamples: nVal,
    options: stored,
  });
  const save = (extra: Record<string, unknown> = {}) =>
    saveTrainableModel(out, model, { ...meta(), ...extra });

  const bar = new ProgressBar(io);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const fitOptions: FitOptions = {
    epochs: remaining,
    batchSize: options.batchSize,
    learningRate: options.lr,
    seed: options.seed,
    ...(val ? { validation: { x: val } } : {}),
    // A warm start always keeps its best validation epoch (with --patience 0: without stopping early).
    ...(options.patience > 0 || warm
      ? {
          earlyStopping: { patience: options.patience > 0 ? options.patience : remaining, restoreBest: true },
        }
      : {}),
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
  try {
    bar.start();
    const result = await model.fit({ x: train }, fitOptions);
    history = [...history, ...result.history];
    bar.clear();
    if (controller.signal.aborted) {
      const kept = model.getTrainingState().epoch;
      model.dispose();
      throw new AekitError(
        'INTERRUPTED',
        kept > 0
          ? `interrupted in epoch ${kept + 1}: the checkpoint of epoch ${kept} is kept in ${out}; continue with: aekit train --resume ${out}`
          : `interrupted in epoch 1, before the first checkpoint; nothing was kept in ${out}`,
        { details: { epoch: kept } },
      );
    }
    if (result.stoppedEarly) {
      io.out(`early stopping: no improvement for ${options.patience} epochs; best epoch ${result.bestEpoch}`);
    }
    if (warm) {
      baselinePca = pcaForInit(data, spec, warm.components);
      await keepWarmStartUnlessBeaten(model, warm, baselinePca.pca, options.seed);
    }
  } catch (error) {
    bar.clear();
    if (error instanceof TrainingDivergedError) {
      const kept = Number(error.details.lastFiniteEpoch ?? 0);
      model.dispose();
      throw new TrainingDivergedError(
        `${error.message}. ${kept > 0 ? `The last finite checkpoint (epoch ${kept}) is kept in ${out}` : `No checkpoint was written to ${out}`}; lower --lr (now ${options.lr})`,
        { cause: error, details: error.details },
      );
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }

  // A denoiser is scored on test inputs corrupted with the noise it trained with, against the clean images.
  const size = test.images.length / test.count;
  const shown = Math.min(PICTURE_SAMPLES, test.count);
  const image = run.sampleShape.length === 3 && [1, 3].includes(run.sampleShape[2]!);
  const denoised = noise && {
    noise,
    ...(await scoreDenoiser(model, test.images, { corruption: noise, seed: TEST_NOISE_SEED, keep: shown })),
  };
  const { mse, first } =
    denoised ||
    (await scoreReconstructions(model, test.images, test.images, {
      sampleSize: size,
      // A table's per-feature errors need every test row's reconstruction.
      keep: run.table ? test.count : shown,
    }));
  const denoising: DenoisingScores | undefined = denoised && {
    noise: noiseText(denoised.noise),
    seed: TEST_NOISE_SEED,
    psnrNoisy: denoised.psnrNoisy,
    psnrDenoised: denoised.psnr,
  };
  const seconds = history.reduce((s, m) => s + m.seconds, 0);
  const samples = history.reduce((s, m) => s + m.samplesPerSecond * m.seconds, 0);
  const samplesPerSecond = seconds > 0 ? samples / seconds : 0;
  const baselines =
    options.data === undefined
      ? undefined
      : baselineScores(
          data,
          test,
          size,
          shapeSize(inferShapes(spec).latent),
          ...(baselinePca ? [baselinePca] : []),
        );
  await save({
    ...(baselines && { baselines }),
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
  if (image) await writePng(picture, imageGrid(rows, run.sampleShape, { columns: shown }));
  const names =
    run.channels ??
    Array.from({ length: run.sampleShape.at(-1)! }, (_, j) => `${run.table ? 'feature' : 'channel'} ${j}`);
  const report = run.table
    ? await writeFeatureErrors(out, test.images, first, names)
    : run.series
      ? await writeSeriesWindows(out, model, test.images, run.sampleShape, run.testIds, run.scaler, names)
      : undefined;
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
  } else if (baselines) {
    io.out(
      `checkpoint and ${METRICS_LOG}${image ? ` and ${shown} test reconstructions (reconstructions.png)` : ''}${
        report === undefined
          ? ''
          : run.table
            ? ` and the test MSE per feature (${basename(report)})`
            : ` and ${SERIES_WINDOWS_SHOWN} test windows, original vs reconstruction (${basename(report)})`
      } in ${out}`,
    );
    const units = run.scaler ? ` (${run.scaler.type} units)` : '';
    const pca = baselines.pca
      ? ` · PCA(${baselines.pca.components}${baselines.pca.fittedOn ? `, fitted on ${baselines.pca.fittedOn} of ${data.count} training samples` : ''}) ${fmt(baselines.pca.mse)}`
      : baselines.pcaSkipped
        ? ` · ${baselines.pcaSkipped}`
        : '';
    io.out(
      `test MSE ${fmt(mse)}${units} on ${test.count} samples · mean-sample baseline ${fmt(baselines.meanSample)}${pca} · ${rate}` +
        (run.skipped ? ` · ${run.skipped} bad ${run.table ? 'rows' : 'files'} skipped` : ''),
    );
  } else {
    io.out(`checkpoint, ${METRICS_LOG} and ${shown} test reconstructions (reconstructions.png) in ${out}`);
    io.out(`test MSE ${fmt(mse)} · ${rate}`);
  }
  model.dispose();
  return {
    testMse: mse,
    samplesPerSecond,
    history,
    out,
    ...(denoising && { denoising }),
    ...(baselines && { baselines }),
    ...(run.skipped && { skipped: run.skipped }),
  };
}
