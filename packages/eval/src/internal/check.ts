import { OptionError, ShapeMismatchError } from '@aekit/core';

/** Number of samples in a stacked array of `featureSize` values each; throws when it does not divide. */
export function sampleCount(data: Float32Array, featureSize: number, what: string): number {
  if (!Number.isInteger(featureSize) || featureSize <= 0) {
    throw new OptionError(`${what}: feature size must be a positive integer, got ${featureSize}.`);
  }
  if (data.length % featureSize !== 0) {
    throw new ShapeMismatchError(
      `${what}: ${data.length} values are not a whole number of samples of ${featureSize} features. Pass data stacked as [n, ${featureSize}].`,
      `n * ${featureSize}`,
      data.length,
    );
  }
  return data.length / featureSize;
}

/** Throws unless `a` and `b` hold the same number of values. */
export function sameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) {
    throw new ShapeMismatchError(
      `${what}: the two arrays differ in length (${a.length} vs ${b.length}). Pass arrays of the same shape.`,
      a.length,
      b.length,
    );
  }
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return values.length === 0 ? Number.NaN : s / values.length;
}
