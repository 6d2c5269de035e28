import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inferShapes, scaleValues, shapeSize, type TrainableModel } from '@aekit/core';
import { METRICS_LOG } from '@aekit/core/node';
import { scoreReconstructions } from '@aekit/eval/metrics';
import { baselineScores } from '../baseline-scores.js';
import { getIo } from '../io.js';
import { checkpointMissingFill } from '../missing-fill.js';
import { writeFeatureErrors, writeSeriesWindows } from '../run-report.js';
import { DEFAULT_TEST_FRACTION, limited } from '../run-training.js';
import { checkpointSeriesOptions, splitByTime, windowed } from '../series-data.js';
import { fillFromTraining, holdOut, loadUserData } from '../user-data.js';
import { checkpointTableOptions } from './checkpoint-model.js';

/** `aekit eval --train-limit` / `--test-limit`, when given on the command line. */
export interface OwnDataLimits {
  trainLimit?: number;
  testLimit?: number;
}

/** The smaller of two optional limits (undefined: no limit). */
const lower = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

/**
 * `aekit eval` on a run of `aekit train --data` (a table, an array or a series): the run's test part read
 * again as the run cut it (its --test-data, or the same seeded held-out rows, or the series' last part, then
 * its --limit and --test-limit), scored in the model's scaled units against the mean training sample and PCA
 * of the code's size; writes index.html and the run's picture (feature-errors.png or series.png) into
 * `report`. `limits` (eval's own, when given) keep fewer of those samples still.
 */
export async function evaluateOwnData(
  model: TrainableModel,
  meta: Record<string, unknown>,
  checkpoint: string,
  report: string,
  limits: OwnDataLimits = {},
): Promise<string> {
  const io = getIo();
  const { writeReport } = await import('@aekit/eval/report');
  const o = (meta.options ?? {}) as Record<string, unknown>;
  const file = String(meta.data);
  // The rows the run read: its bad ones left out again when it skipped them (--skip-bad).
  const table = { ...checkpointTableOptions(meta), ...(o.skipBad === true && { skipBad: true }) };
  const series = checkpointSeriesOptions(meta);
  const all = await loadUserData(file, table, "the run's --data");
  const fraction = typeof o.testFraction === 'number' ? o.testFraction : DEFAULT_TEST_FRACTION;
  const seed = typeof o.seed === 'number' ? o.seed : 0;
  let parts =
    typeof meta.testData === 'string'
      ? { train: all, test: await loadUserData(meta.testData, table, "the run's --test-data") }
      : series
        ? splitByTime(all, fraction, series)
        : holdOut(all, fraction, seed);
  if (series && typeof meta.testData === 'string') {
    parts = { train: windowed(parts.train, series), test: windowed(parts.test, series) };
  }
  // The gaps filled with the training means the run stored (a run from before it stored them: its means again).
  const filled = fillFromTraining(parts.train, parts.test, checkpointMissingFill(meta)?.fill);
  // The run's --limit / --test-limit as it applied them (after the fill), then eval's own.
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const train = limited(filled.train, lower(num(o.limit), limits.trainLimit));
  const test = limited(filled.test, lower(num(o.testLimit), limits.testLimit));
  const { spec } = model;
  const scaled = (x: Float32Array) => (spec.scaler ? scaleValues(spec.scaler, x) : x);
  const size = shapeSize(spec.inputShape);
  const [x, xTrain] = [scaled(test.x), scaled(train.x)];
  const isTable = spec.inputShape.length === 1;
  const { mse, first } = await scoreReconstructions(model, x, x, {
    sampleSize: size,
    keep: isTable ? test.count : 0,
  });
  const baselines = baselineScores(
    { images: xTrain, count: train.count },
    { images: x, count: test.count },
    size,
    shapeSize(inferShapes(spec).latent),
  );
  const units = spec.scaler ? `${spec.scaler.type} units` : 'raw units';
  const names =
    test.columns ??
    Array.from({ length: spec.inputShape.at(-1)! }, (_, j) => `${isTable ? 'feature' : 'channel'} ${j}`);
  const picture = isTable
    ? await writeFeatureErrors(report, x, first, names)
    : series
      ? await writeSeriesWindows(report, model, x, spec.inputShape, test.ids, spec.scaler, names)
      : undefined;
  const rows: (string | number)[][] = [
    [spec.name, mse],
    ['mean training sample', baselines.meanSample],
    ...(baselines.pca ? [[`PCA(${baselines.pca.components})`, baselines.pca.mse]] : []),
  ];
  const path = await writeReport(report, {
    title: `${spec.name} on ${file}`,
    run: {
      model: spec.name,
      dataset: file,
      trainImages: train.count,
      testImages: test.count,
      extra: { checkpoint, samples: `${test.kind} of shape [${test.sampleShape.join(', ')}]` },
    },
    verdict: `test MSE ${mse.toFixed(4)} (${units}) against the mean training sample's ${baselines.meanSample.toFixed(4)}${baselines.pca ? ` and PCA(${baselines.pca.components})'s ${baselines.pca.mse.toFixed(4)}` : ''}`,
    ...(existsSync(join(checkpoint, METRICS_LOG)) && { metrics: { runDir: checkpoint } }),
    tables: [
      {
        title: `Test MSE on ${test.count} held-out samples (${units})`,
        columns: ['model', 'test MSE'],
        rows,
        ...(picture && { note: `Picture: ${picture}` }),
      },
    ],
  });
  io.out(
    `test MSE ${mse.toFixed(4)} (${units}) on ${test.count} samples · mean-sample baseline ${baselines.meanSample.toFixed(4)}${baselines.pca ? ` · PCA(${baselines.pca.components}) ${baselines.pca.mse.toFixed(4)}` : ''}`,
  );
  io.out(`report -> ${path}${picture ? `, ${picture}` : ''}`);
  return path;
}
