import { OptionError, requireFinite, type Scaler } from '@aekit/core';

/** The scalers `fitScaler` fits: per feature of the last axis (features of a table, channels of an image). */
export const SCALER_TYPES = ['minmax', 'zscore'] as const;
export type ScalerType = (typeof SCALER_TYPES)[number];

/**
 * Fits a scaler on `data` (samples with `featureCount` values on their last axis, row-major: a table's
 * rows, or an image's pixels channel after channel), as core's plain `Scaler` that a spec carries:
 * `minmax` gives offset = min and scale = max - min, `zscore` offset = mean and scale = the standard
 * deviation (population, as scikit-learn's StandardScaler). A constant feature gets scale 1. Computed in
 * float64; NaN or Infinity in `data` is a DataError naming the first positions.
 */
export function fitScaler(
  type: ScalerType,
  data: Float32Array,
  featureCount: number,
  source = 'fitScaler',
): Scaler {
  if (!SCALER_TYPES.includes(type)) {
    throw new OptionError(`fitScaler: type must be one of ${SCALER_TYPES.join(', ')}, got "${String(type)}"`);
  }
  if (
    !(Number.isInteger(featureCount) && featureCount > 0) ||
    data.length % featureCount !== 0 ||
    !data.length
  ) {
    throw new OptionError(
      `fitScaler: ${data.length} values is not a whole, non-zero number of rows of ${featureCount} features`,
      { details: { expected: featureCount, actual: data.length } },
    );
  }
  requireFinite(data, source, { sampleSize: featureCount });
  const k = featureCount;
  const rows = data.length / k;
  const a = new Float64Array(k);
  const b = new Float64Array(k);
  if (type === 'minmax') {
    a.fill(Number.POSITIVE_INFINITY);
    b.fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < data.length; i++) {
      const j = i % k;
      const v = data[i]!;
      if (v < a[j]!) a[j] = v;
      if (v > b[j]!) b[j] = v;
    }
    const scale = [...a].map((min, j) => Math.fround(b[j]! - min) || 1);
    return { type, offset: [...a], scale };
  }
  for (let i = 0; i < data.length; i++) a[i % k] = a[i % k]! + data[i]!;
  for (let j = 0; j < k; j++) a[j] = a[j]! / rows;
  for (let i = 0; i < data.length; i++) b[i % k] = b[i % k]! + (data[i]! - a[i % k]!) ** 2;
  const scale = [...b].map((ss) => Math.fround(Math.sqrt(ss / rows)) || 1);
  return { type, offset: [...a].map(Math.fround), scale };
}
