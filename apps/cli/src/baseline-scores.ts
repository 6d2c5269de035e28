import { gatherRows } from '@aekit/core';
import { Pca } from '@aekit/eval/baselines';

/** Samples a run trains or tests on, whatever they came from. */
export interface Samples {
  images: Float32Array;
  count: number;
}

/** What `aekit train --data` reports beside the model's test MSE: the trivial and the linear baselines. */
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
