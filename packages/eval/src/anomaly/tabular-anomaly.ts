import { gatherRows, OptionError } from '@aekit/core';
import { KnnDetector } from '../baselines/knn.js';
import { Pca } from '../baselines/pca.js';
import { sampleCount } from '../internal/check.js';
import { requireFinite } from '../internal/finite.js';
import { fitStandardizer, standardize } from '../latent/standardizer.js';
import { prAuc, rocAuc } from '../metrics/ranking.js';
import { type OneClassSplit, oneClassSplit } from './one-class-split.js';
import { ReconstructionDetector, type Reconstructor } from './reconstruction-detector.js';
import { type ThresholdRule, thresholdFor } from './threshold.js';

/** A table of rows with one 0/1 label each: 1 = anomaly. */
export interface AnomalyTable {
  /** Rows stacked as [n, featureCount]. */
  readonly features: Float32Array;
  readonly featureCount: number;
  /** 1 = anomaly, 0 = normal, one per row. */
  readonly anomaly: ArrayLike<number>;
}

/** A feature scaling fitted on the training rows, applied to any rows. */
export interface FeatureScaler {
  transform(features: Float32Array): Float32Array;
}

/** Trains an autoencoder on the scaled training rows; `dispose` (if any) is called once it has scored. */
export type TrainTabularAutoencoder = (
  train: Float32Array,
  context: { featureCount: number; seed: number },
) => Promise<Reconstructor & { dispose?(): void }>;

export interface TabularAnomalyOptions {
  /** Fraction of the normal rows to train on; the other normal rows and every anomaly are the test set. Default 0.6. */
  trainFraction?: number;
  /** Seeds the split and is passed to `trainAutoencoder`. Default 0. */
  seed?: number;
  /**
   * Fits the feature scaling on the training (normal) rows only. Default: z-score (`fitStandardizer`). For an
   * autoencoder with a sigmoid output scale to [0, 1] instead, e.g. with `fitMinMax` of `@aekit/datasets`.
   */
  fitScaler?: (train: Float32Array, featureCount: number) => FeatureScaler;
  /** PCA components (give the autoencoder the same code size). Default 8. */
  components?: number;
  /** Neighbours of the kNN baseline (distance to the k-th). Default 5. */
  k?: number;
  /** Threshold of each detector from its training-score distribution. Default `{ percentile: 95 }`. */
  threshold?: ThresholdRule;
  /** Omit for the baselines only. */
  trainAutoencoder?: TrainTabularAutoencoder;
}

/** One detector's scores on the test rows and how well they rank and flag the anomalies. */
export interface DetectorResult {
  /** Area under the ROC curve of the test scores. */
  readonly auroc: number;
  /** Average precision of the test scores (chance level = the anomaly fraction of the test set). */
  readonly prAuc: number;
  /** From the training-score distribution by the `threshold` rule. */
  readonly threshold: number;
  /** Among test rows scoring above the threshold, the fraction that are anomalies (0 when none is flagged). */
  readonly precision: number;
  /** Fraction of the test anomalies scoring above the threshold. */
  readonly recall: number;
  /** Fraction of the test normal rows scoring above the threshold (on the training rows: 1 - percentile / 100). */
  readonly falsePositiveRate: number;
  /** One per test row, in the order of `split.test`. */
  readonly scores: Float64Array;
}

export interface TabularAnomalyResult {
  readonly split: OneClassSplit;
  /** 1 = anomaly, per test row. */
  readonly truth: Uint8Array;
  /** Present when `trainAutoencoder` was given; score = mean squared reconstruction error of the scaled row. */
  readonly autoencoder?: DetectorResult;
  /** Reconstruction MSE through `components` principal components of the training rows. */
  readonly pca: DetectorResult;
  /** Euclidean distance to the k-th nearest training row (training scores: leave-one-out). */
  readonly knn: DetectorResult;
}

function standardScaler(train: Float32Array, featureCount: number): FeatureScaler {
  const s = fitStandardizer(train, featureCount);
  return { transform: (x) => standardize(x, featureCount, s) };
}

function judge(
  truth: Uint8Array,
  scores: Float64Array,
  trainScores: ArrayLike<number>,
  rule: ThresholdRule,
): DetectorResult {
  const threshold = thresholdFor(trainScores, rule);
  let tp = 0;
  let fp = 0;
  let anomalies = 0;
  for (let i = 0; i < truth.length; i++) {
    const flag = (scores[i] as number) > threshold;
    if (truth[i] === 1) {
      anomalies++;
      if (flag) tp++;
    } else if (flag) fp++;
  }
  return {
    auroc: rocAuc(truth, scores),
    prAuc: prAuc(truth, scores),
    threshold,
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp / anomalies,
    falsePositiveRate: fp / (truth.length - anomalies),
    scores,
  };
}

/**
 * One-class anomaly detection on a table: a seeded split (`oneClassSplit`: train on a fraction of the normal
 * rows only, test on the other normal rows and every anomaly), features scaled with statistics of the
 * training rows only, then an autoencoder's reconstruction error (optional), PCA reconstruction error and kNN
 * distance, each with AUROC, PR-AUC and precision/recall at a threshold from its training scores.
 */
export async function tabularAnomaly(
  table: AnomalyTable,
  options: TabularAnomalyOptions = {},
): Promise<TabularAnomalyResult> {
  const d = table.featureCount;
  const n = sampleCount(table.features, d, 'tabularAnomaly');
  requireFinite(table.features, 'tabularAnomaly features', { sampleSize: d });
  if (table.anomaly.length !== n) {
    throw new OptionError(
      `tabularAnomaly: ${n} rows but ${table.anomaly.length} anomaly labels; pass one label per row.`,
    );
  }
  const seed = options.seed ?? 0;
  const rule = options.threshold ?? { percentile: 95 };
  const split = oneClassSplit(table.anomaly, { trainFraction: options.trainFraction, seed });
  const rawTrain = gatherRows(table.features, d, split.train, 'tabularAnomaly');
  const scaler = (options.fitScaler ?? standardScaler)(rawTrain, d);
  const train = scaler.transform(rawTrain);
  const test = scaler.transform(gatherRows(table.features, d, split.test, 'tabularAnomaly'));
  const truth = Uint8Array.from(split.test, (i) => table.anomaly[i] as number);

  const reconstructionResult = async (model: Reconstructor): Promise<DetectorResult> => {
    const detector = await new ReconstructionDetector(model, { featureSize: d, threshold: rule }).fit(train);
    return judge(truth, await detector.score(test), detector.trainScores, rule);
  };
  let autoencoder: DetectorResult | undefined;
  if (options.trainAutoencoder !== undefined) {
    const model = await options.trainAutoencoder(train, { featureCount: d, seed });
    try {
      autoencoder = await reconstructionResult(model);
    } finally {
      model.dispose?.();
    }
  }
  const pca = await reconstructionResult(Pca.fit(train, d, { components: options.components ?? 8 }));
  const knnDetector = new KnnDetector(d, { k: options.k ?? 5 }).fit(train);
  const knn = judge(truth, knnDetector.score(test), knnDetector.leaveOneOutScores(), rule);
  return { split, truth, ...(autoencoder === undefined ? {} : { autoencoder }), pca, knn };
}
