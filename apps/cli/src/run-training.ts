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
  inferShapes,
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
import { imageGrid, writePng } from '@aekit/eval/images';
import { scoreDenoiser, scoreReconstructions } from '@aekit/eval/metrics';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { type BaselinePca, type BaselineScores, baselineScores, type Samples } from './baseline-scores.js';
import { getIo } from './io.js';
import { MISSING_FILL_META, type MissingFill } from './missing-fill.js';
import { getModel, type ModelCreateOptions } from './model-registry.js';
import { keepWarmStartUnlessBeaten, pcaForInit, startAtPca } from './pca-init.js';
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
