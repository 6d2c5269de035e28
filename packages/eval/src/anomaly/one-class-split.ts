import { createRng, DataError, OptionError } from '@aekit/core';

/** Row indices of a one-class split, each list ascending. */
export interface OneClassSplit {
  /** Normal rows only: what a detector is fitted on. */
  readonly train: Int32Array;
  /** The other normal rows and every anomaly. */
  readonly test: Int32Array;
}

export interface OneClassSplitOptions {
  /** Fraction of the normal rows to train on (rounded to a whole row count). Default 0.6. */
  trainFraction?: number;
  /** Seeds the shuffle of the normal rows. Default 0. */
  seed?: number;
}

/**
 * The one-class protocol's split: shuffle the normal rows (`anomaly[i] === 0`) with `createRng(seed)`, train
 * on the first `round(trainFraction * normals)`, test on the remaining normal rows plus all anomalies.
 */
export function oneClassSplit(anomaly: ArrayLike<number>, options: OneClassSplitOptions = {}): OneClassSplit {
  const { trainFraction = 0.6, seed = 0 } = options;
  if (!(trainFraction > 0 && trainFraction < 1)) {
    throw new OptionError(`oneClassSplit: trainFraction must be in (0, 1), got ${trainFraction}.`);
  }
  const normal: number[] = [];
  const anomalous: number[] = [];
  for (let i = 0; i < anomaly.length; i++) {
    const a = anomaly[i];
    if (a === 0) normal.push(i);
    else if (a === 1) anomalous.push(i);
    else
      throw new DataError('DATA_INVALID', `oneClassSplit: anomaly labels must be 0 or 1, got ${a} at ${i}.`);
  }
  createRng(seed).shuffle(normal);
  const nTrain = Math.round(trainFraction * normal.length);
  if (nTrain < 1 || nTrain >= normal.length) {
    throw new OptionError(
      `oneClassSplit: trainFraction ${trainFraction} of ${normal.length} normal rows leaves ${nTrain} to train on and ${normal.length - nTrain} to test; both need at least one.`,
    );
  }
  const ascending = (rows: number[]): Int32Array => Int32Array.from(rows).sort();
  return {
    train: ascending(normal.slice(0, nTrain)),
    test: ascending([...normal.slice(nTrain), ...anomalous]),
  };
}
