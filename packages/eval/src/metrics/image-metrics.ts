import { sameLength, sampleCount } from '../internal/check.js';
import { PREDICTION_FIX, requireFinite } from '../internal/finite.js';

/** Keras' clipping epsilon for binary cross-entropy. */
const BCE_EPSILON = 1e-7;

/** Throws unless target and prediction are of one length, whole samples, and finite. Returns the sample count. */
export function checkPair(
  target: Float32Array,
  prediction: Float32Array,
  featureSize: number,
  what: string,
): number {
  sameLength(target, prediction, what);
  const n = sampleCount(target, featureSize, what);
  requireFinite(target, `${what} target`, { sampleSize: featureSize });
  requireFinite(prediction, `${what} prediction`, { sampleSize: featureSize, fix: PREDICTION_FIX });
  return n;
}

/**
 * Per-sample mean squared error of `target` and `prediction`, both stacked as [n, featureSize]. NaN or
 * ±Infinity in either throws `DataError` (as in every metric of this package).
 */
export function msePer(target: Float32Array, prediction: Float32Array, featureSize: number): Float64Array {
  const n = checkPair(target, prediction, featureSize, 'mse');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * featureSize;
    for (let j = 0; j < featureSize; j++) {
      const d = (target[o + j] as number) - (prediction[o + j] as number);
      s += d * d;
    }
    out[i] = s / featureSize;
  }
  return out;
}

/**
 * Per-sample mean binary cross-entropy, predictions clipped to [1e-7, 1 - 1e-7] as Keras does.
 * Targets in [0, 1] (they need not be binary).
 */
export function bcePer(target: Float32Array, prediction: Float32Array, featureSize: number): Float64Array {
  const n = checkPair(target, prediction, featureSize, 'bce');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * featureSize;
    for (let j = 0; j < featureSize; j++) {
      const t = target[o + j] as number;
      const p = Math.min(1 - BCE_EPSILON, Math.max(BCE_EPSILON, prediction[o + j] as number));
      s -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
    }
    out[i] = s / featureSize;
  }
  return out;
}

/** Per-sample peak signal-to-noise ratio in dB: 10 log10(range^2 / mse). Infinity for identical samples. */
export function psnrPer(
  target: Float32Array,
  prediction: Float32Array,
  featureSize: number,
  dataRange = 1,
): Float64Array {
  const m = msePer(target, prediction, featureSize);
  return m.map((v) => (v === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((dataRange * dataRange) / v)));
}
