import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AekitError, type Device, OptionError, shapeSize } from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import {
  AnomalyDetector,
  type DetectorFile,
  expectedFalseAlarmRate,
  parseThresholdRule,
  SCORE_KINDS,
  type ScoreKind,
  type ThresholdRule,
} from '@aekit/eval/anomaly';
import { encodePng } from '@aekit/eval/images';
import { prAuc, rocAuc } from '@aekit/eval/metrics';
import { loadDetectorFile, saveDetector } from '@aekit/eval/node';
import { type Command, Option } from 'commander';
import { imageFolderFacts } from '../image-data.js';
import { getIo } from '../io.js';
import { choiceOption, intOption, numberOption } from '../parse-options.js';
import {
  checkpointSeriesOptions,
  loadSamples,
  type SeriesOptions,
  seriesOptionsOf,
  splitByTime,
  windowed,
} from '../series-data.js';
import { holdOut, loadUserData, type TableOptions, type UserData } from '../user-data.js';
import { checkpointTableOptions, deviceOption, loadCheckpointModel } from './checkpoint-model.js';

interface FitOptions {
  checkpoint: string;
  data: string;
  threshold: ThresholdRule;
  score: ScoreKind;
  calibrationData?: string;
  calibrationFraction: number;
  k: number;
  seed: number;
  out?: string;
  anomalyLabel: string;
  idColumn?: string;
  window?: number;
  stride?: number;
  device: Device;
}

interface ScoreOptions {
  detector: string;
  data: string;
  out: string;
  heatmaps?: string;
  topK: number;
  labels: boolean;
  anomalyLabel: string;
  idColumn?: string;
  window?: number;
  stride?: number;
  device: Device;
}

/** Where a detector file keeps what `detect score` and `export --detector` need to find its model and data. */
interface DetectorModelFacts {
  checkpoint: string;
  table: TableOptions;
  /** A series detector's `--window` / `--stride` (the default of `detect score`). */
  series?: SeriesOptions;
}

const thresholdOption = (v: string): ThresholdRule => parseThresholdRule(v);

/** `--id-column`: a table's id column, kept out of the features (and, from `fit`, the default of `score`). */
const withIdColumn = (table: TableOptions, idColumn: string | undefined): TableOptions =>
  idColumn === undefined ? table : { ...table, idColumn };

/** Each sample's id in scores.csv: an image's path, a window's start step, a table's `--id-column` or row number. */
function sampleIds(data: UserData): string[] {
  const folder = imageFolderFacts(data);
  if (folder) return folder.files;
  if (data.ids) return Array.from(data.ids, String);
  if (data.rowIds) return data.rowIds;
  return Array.from({ length: data.count }, (_, i) => String(i));
}

function input(data: UserData): { values: Float32Array; sampleShape: number[]; columns?: string[] } {
  return { values: data.x, sampleShape: data.sampleShape, ...(data.columns && { columns: data.columns }) };
}

const rate = (r: number | undefined): string =>
  r === undefined ? 'not set by this rule' : `${(100 * r).toPrecision(3)}%`;

/** The detector file's model facts, checked. */
export function detectorModel(file: DetectorFile, path: string): DetectorModelFacts {
  const m = file.model as Partial<DetectorModelFacts>;
  if (typeof m.checkpoint !== 'string') {
    throw new AekitError(
      'DATA_INVALID',
      `${path}: the detector file names no checkpoint (model.checkpoint); write it with "aekit detect fit"`,
    );
  }
  return {
    checkpoint: m.checkpoint,
    table: (m.table ?? {}) as TableOptions,
    ...(m.series && typeof m.series.window === 'number' && { series: m.series }),
  };
}

/** Score histogram of the calibration data with the threshold as a rule, as an SVG; null without the plotting peers. */
async function scorePlot(scores: Float64Array, threshold: number): Promise<string | null> {
  try {
    const { anomalyHistogramSpec, renderSvg } = await import('@aekit/eval/report');
    const spec = anomalyHistogramSpec(scores, [], threshold);
    return await renderSvg({ ...spec, title: 'Calibration scores (held-out normal data) and the threshold' });
  } catch (e) {
    if (AekitError.isInstance(e) && e.code === 'DEPENDENCY_MISSING') return null;
    throw e;
  }
}

async function runFit(options: FitOptions): Promise<void> {
  const io = getIo();
  const { model, meta } = await loadCheckpointModel(options.checkpoint, options.device);
  try {
    const table = withIdColumn(checkpointTableOptions(meta), options.idColumn);
    const series = seriesOptionsOf(options, checkpointSeriesOptions(meta));
    const raw = await loadUserData(options.data, table, '--data');
    // A series' calibration part is its last steps (by time: no window shares a step with a fitted one).
    const data = series && options.calibrationData !== undefined ? windowed(raw, series) : raw;
    let fitPart = data;
    let calibration: UserData;
    if (options.calibrationData !== undefined) {
      calibration = await loadSamples(options.calibrationData, table, series, '--calibration-data');
    } else {
      const split = series
        ? splitByTime(raw, options.calibrationFraction, series)
        : holdOut(data, options.calibrationFraction, options.seed);
      fitPart = split.train;
      calibration = split.test;
    }
    const detector = new AnomalyDetector(model, {
      score: options.score,
      threshold: options.threshold,
      k: options.k,
      ...(data.columns && { columns: data.columns }),
    });
    await detector.fit(input(fitPart));
    // f1: the calibration data are labelled (normal and anomalies), as `detect score --labels` reads labels.
    const labels = 'f1' in options.threshold ? truthOf(calibration, options.anomalyLabel) : undefined;
    const scores = await detector.calibrate(input(calibration), labels);
    const out = options.out ?? join(options.checkpoint.replace(/\/+$/, ''), 'detector.json');
    const facts: DetectorModelFacts = { checkpoint: options.checkpoint, table, ...(series && { series }) };
    await mkdir(dirname(out), { recursive: true });
    const file = await saveDetector(out, detector, { ...facts });
    const flagged = scores.filter((s) => s > detector.threshold).length;
    io.out(
      `wrote ${out}: ${options.score} detector on ${formatShape(fitPart.sampleShape)} ${series ? `windows (stride ${series.stride ?? series.window})` : 'samples'}, fitted on ${fitPart.count} and calibrated on ${calibration.count} ${options.calibrationData === undefined ? `held out of ${options.data} (--calibration-fraction ${options.calibrationFraction}${series ? ': the last steps' : ''})` : `of ${options.calibrationData}`}`,
    );
    io.out(
      `threshold ${file.threshold.method}: ${detector.threshold.toPrecision(6)}; expected false-alarm rate ${rate(expectedFalseAlarmRate(options.threshold))} (on the calibration data: ${flagged} of ${calibration.count} flagged, ${rate(flagged / calibration.count)})`,
    );
    if (options.calibrationData === undefined && meta.options !== undefined) {
      const trainedOn = (meta.options as Record<string, unknown>).data;
      if (trainedOn === options.data) {
        io.err(
          `note: the model was trained on ${options.data}, so its held-out part is not new to the model and its scores run low; calibrate on normal data the model has not seen (--calibration-data) for a false-alarm rate that holds on new data`,
        );
      }
    }
    const svg = await scorePlot(scores, detector.threshold);
    const plot = out.replace(/\.json$/i, '') + '.scores.svg';
    if (svg === null) io.err('no score plot: install vega, vega-lite and @resvg/resvg-js to draw it');
    else {
      await writeFileAtomic(plot, svg);
      io.out(`wrote ${plot}: the calibration score distribution with the threshold`);
    }
  } finally {
    model.dispose();
  }
}

const formatShape = (s: readonly number[]): string => s.join('x');

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** 0/1 truth per sample: a table's label column (`anomalyLabel` = the anomalies' value), an image folder's subfolders. */
function truthOf(data: UserData, anomalyLabel: string): Uint8Array {
  if (data.labels === undefined) {
    throw new OptionError(
      `--labels: ${data.file} has no labels; give a table a --label-column when training (or score a folder with one subfolder per class)`,
    );
  }
  if (data.kind === 'images') {
    const names = imageFolderFacts(data)?.classNames ?? [];
    const anomalous = new Set(anomalyLabel.split(',').map((s) => s.trim()));
    const unknown = [...anomalous].filter((a) => !names.includes(a));
    if (unknown.length > 0) {
      throw new OptionError(
        `--anomaly-label ${anomalyLabel}: ${data.file} has no subfolder ${unknown.join(', ')}; its subfolders are ${names.join(', ')}`,
      );
    }
    return Uint8Array.from(data.labels, (l) => (anomalous.has(names[l] ?? '') ? 1 : 0));
  }
  if (data.labelNames) {
    // A label column of class names: the anomalies' names, comma-separated.
    const names = data.labelNames;
    const anomalous = anomalyLabel.split(',').map((s) => s.trim());
    const unknown = anomalous.filter((a) => !names.includes(a));
    if (unknown.length > 0) {
      throw new OptionError(
        `--anomaly-label ${anomalyLabel}: the label column of ${data.file} holds no ${unknown.join(', ')}; its labels are ${names.join(', ')}`,
      );
    }
    const set = new Set(anomalous.map((a) => names.indexOf(a)));
    return Uint8Array.from(data.labels, (l) => (set.has(l) ? 1 : 0));
  }
  const value = Number(anomalyLabel);
  return Uint8Array.from(data.labels, (l) => (l === value ? 1 : 0));
}

/** A series' windows: anomalous when any of their steps carries the anomaly label (`steps`: the series unwindowed). */
function windowTruth(steps: UserData, windows: UserData, anomalyLabel: string): Uint8Array {
  const perStep = truthOf(steps, anomalyLabel);
  const w = windows.sampleShape[0] ?? 1;
  return Uint8Array.from(windows.ids ?? [], (start) =>
    perStep.subarray(start, start + w).includes(1) ? 1 : 0,
  );
}

/** Per-pixel error maps of the `k` highest-scoring images: the image (grey) beside its error (red), one PNG each. */
async function writeHeatmaps(
  dir: string,
  data: UserData,
  features: Float32Array,
  scores: Float64Array,
  ids: string[],
  k: number,
): Promise<string[]> {
  const [h = 1, w = 1, c = 1] = data.sampleShape;
  const d = h * w * c;
  const top = Array.from(scores, (_, i) => i)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number))
    .slice(0, k);
  let max = 0;
  for (const i of top) for (let j = 0; j < d; j++) max = Math.max(max, features[i * d + j] as number);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [rank, i] of top.entries()) {
    const png = new Uint8Array(h * 2 * w * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let grey = 0;
        let err = 0;
        for (let ch = 0; ch < c; ch++) {
          grey += (data.x[i * d + (y * w + x) * c + ch] as number) / c;
          err += (features[i * d + (y * w + x) * c + ch] as number) / c;
        }
        const g = Math.round(255 * Math.min(1, Math.max(0, grey)));
        const left = (y * 2 * w + x) * 3;
        png.set([g, g, g], left);
        const e = max > 0 ? Math.round((255 * err) / max) : 0;
        png.set([e, 0, 0], left + w * 3);
      }
    }
    const name = `${String(rank + 1).padStart(2, '0')}-${(ids[i] ?? String(i)).replace(/[^A-Za-z0-9._-]+/g, '_')}.png`;
    await writeFileAtomic(join(dir, name), encodePng(png, 2 * w, h));
    written.push(name);
  }
  return written;
}

async function runScore(options: ScoreOptions): Promise<void> {
  const io = getIo();
  const file = await loadDetectorFile(options.detector);
  const facts = detectorModel(file, options.detector);
  const { model } = await loadCheckpointModel(facts.checkpoint, options.device);
  try {
    const detector = AnomalyDetector.restore(model, file);
    const table = withIdColumn(facts.table, options.idColumn);
    const series = seriesOptionsOf(options, facts.series);
    const steps = await loadUserData(options.data, table, '--data');
    const data = series ? windowed(steps, series) : steps;
    const { scores, features } = await detector.score(input(data));
    const flags = Uint8Array.from(scores, (s) => (s > detector.threshold ? 1 : 0));
    const ids = sampleIds(data);
    const perFeature = data.kind === 'table' && features !== undefined && data.columns !== undefined;
    const header = [
      'id',
      'score',
      'is_anomaly',
      ...(perFeature ? (data.columns ?? []).map((c) => `error_${c}`) : []),
    ];
    const d = shapeSize(data.sampleShape);
    const lines = [header.map(csvCell).join(',')];
    for (let i = 0; i < data.count; i++) {
      const row = [csvCell(ids[i] as string), String(scores[i]), String(flags[i])];
      if (perFeature) for (let j = 0; j < d; j++) row.push(String((features as Float32Array)[i * d + j]));
      lines.push(row.join(','));
    }
    await writeFileAtomic(options.out, `${lines.join('\n')}\n`);
    const flagged = flags.reduce((a, b) => a + b, 0);
    io.out(
      `wrote ${options.out}: ${data.count} rows (id,score,is_anomaly${perFeature ? ', per-feature errors' : ''}); ${flagged} flagged (${rate(flagged / data.count)}) at threshold ${detector.threshold.toPrecision(6)} (${file.threshold.method}, ${file.score})`,
    );
    if (options.heatmaps !== undefined) {
      if (data.kind !== 'images' || features === undefined) {
        throw new OptionError(
          `--heatmaps needs images and a per-pixel score (mse or mae); this is ${data.kind} data scored by ${file.score}`,
        );
      }
      const written = await writeHeatmaps(options.heatmaps, data, features, scores, ids, options.topK);
      io.out(
        `wrote ${written.length} error maps of the top-scoring images to ${options.heatmaps} (image | error)`,
      );
    }
    if (options.labels) {
      const truth = series
        ? windowTruth(steps, data, options.anomalyLabel)
        : truthOf(data, options.anomalyLabel);
      const anomalies = truth.reduce((a, b) => a + b, 0);
      if (anomalies === 0 || anomalies === truth.length) {
        throw new OptionError(
          `--labels: all ${truth.length} samples are ${anomalies === 0 ? 'normal' : 'anomalies'} by --anomaly-label ${options.anomalyLabel}; AUROC needs both`,
        );
      }
      let tp = 0;
      for (let i = 0; i < truth.length; i++) if (truth[i] === 1 && flags[i] === 1) tp++;
      io.out(
        `labels (${anomalies} anomalies of ${truth.length}): AUROC ${rocAuc(truth, scores).toFixed(4)}, PR-AUC ${prAuc(truth, scores).toFixed(4)}; at the threshold precision ${(flagged === 0 ? 0 : tp / flagged).toFixed(4)}, recall ${(tp / anomalies).toFixed(4)}, false-positive rate ${((flagged - tp) / (truth.length - anomalies)).toFixed(4)}`,
      );
    }
  } finally {
    model.dispose();
  }
}

/**
 * `aekit detect fit | score`: an anomaly detector from a trained checkpoint, calibrated on normal data
 * (`fit`), then scoring data to a CSV (`score`). `aekit export --detector` turns the file into one ONNX graph.
 */
export function registerDetectCommand(program: Command): void {
  const detect = program
    .command('detect')
    .description(
      'anomaly detection with a trained checkpoint: fit (calibrate a threshold), score (to a CSV)',
    );
  detect
    .command('fit')
    .description('calibrate a detector on normal data and write the detector file')
    .requiredOption('--checkpoint <dir>', 'checkpoint directory written by "aekit train"')
    .requiredOption('--data <path>', 'normal data: a .csv/.tsv/.npy/.npz file or a folder of images')
    .addOption(
      new Option(
        '--threshold <rule>',
        'percentile:99, fpr:0.01 (target false-positive rate), contamination:0.05, mad:3 (median + 3 MAD), pot:0.001 (Pareto tail, very low rates) or f1 (labelled)',
      )
        .argParser(thresholdOption)
        .default({ fpr: 0.01 }, 'fpr:0.01'),
    )
    .addOption(
      new Option('--score <kind>', `what is scored: ${SCORE_KINDS.join(', ')}`)
        .argParser(choiceOption('--score', SCORE_KINDS))
        .default('mse'),
    )
    .option('--calibration-data <path>', 'held-out normal data to calibrate on (default: a share of --data)')
    .option(
      '--calibration-fraction <f>',
      'share of --data held out for calibration when --calibration-data is not given',
      numberOption('--calibration-fraction', 0, 1, { exclusiveMin: true, exclusiveMax: true }),
      0.2,
    )
    .option('--k <n>', 'neighbours of the latent kNN scores', intOption('--k', 1), 5)
    .option('--seed <n>', 'seed of the calibration hold-out', intOption('--seed', 0, 2 ** 31 - 1), 0)
    .option('--out <file>', 'the detector file (default <checkpoint>/detector.json)')
    .option(
      '--anomaly-label <value>',
      "--threshold f1: the anomalies of the labelled --calibration-data (a table's label column value, or image subfolders, comma-separated)",
      '1',
    )
    .option(
      '--id-column <column>',
      "a table's id column (name or 0-based index; text is fine): kept out of the features, and the default of detect score",
    )
    .option(
      '--window <steps>',
      "a series (a table's rows or a .npy of shape (T) or (T, C)): windows of this many steps, as the model was trained (default: as the checkpoint was trained)",
      intOption('--window', 1),
    )
    .option(
      '--stride <steps>',
      'steps between two windows of --window (default: as the checkpoint was trained, else the window)',
      intOption('--stride', 1),
    )
    .addOption(deviceOption())
    .action((options: FitOptions) => runFit(options));
  detect
    .command('score')
    .description('score data with a detector file: one CSV row per sample (id,score,is_anomaly)')
    .requiredOption('--detector <file>', 'detector file written by "aekit detect fit"')
    .requiredOption('--data <path>', 'data to score: a .csv/.tsv/.npy/.npz file or a folder of images')
    .option('--out <file>', 'the scores CSV', 'scores.csv')
    .option('--heatmaps <dir>', 'images: write per-pixel error maps of the top-scoring images there')
    .option('--top-k <n>', 'how many error maps --heatmaps writes', intOption('--top-k', 1), 8)
    .option(
      '--labels',
      "compare with the data's labels (a table's label column, an image folder's subfolders; a series' windows: anomalous when any step is): AUROC, PR-AUC, precision/recall at the threshold",
      false,
    )
    .option(
      '--anomaly-label <value>',
      "with --labels: the label column's value of anomalies (tables and series; class names comma-separated), or the subfolders holding anomalies, comma-separated (image folders)",
      '1',
    )
    .option(
      '--id-column <column>',
      "a table's id column (name or 0-based index; text is fine): kept out of the features and written as the id of scores.csv (default: the one given to detect fit, else the row number)",
    )
    .option(
      '--window <steps>',
      "a series (a table's rows or a .npy of shape (T) or (T, C)): windows of this many steps, as the model was trained (default: as the detector was fitted); ids are window starts",
      intOption('--window', 1),
    )
    .option(
      '--stride <steps>',
      'steps between two windows of --window (default: as the detector was fitted, else the window)',
      intOption('--stride', 1),
    )
    .addOption(deviceOption())
    .action((options: ScoreOptions) => runScore(options));
}
