import { sameLength, sampleCount } from '../internal/check.js';
import { PREDICTION_FIX, requireFinite } from '../internal/finite.js';
import { psnrPer } from './image-metrics.js';

/** Per-sample PSNRs are capped at this before averaging, so a sample left unchanged cannot make the mean infinite. */
export const PSNR_CAP_DB = 100;

/** Mean squared error over all values of `target` and `prediction` (same length). */
export function meanMse(target: Float32Array, prediction: Float32Array): number {
  return squaredErrorSum(target, prediction) / target.length;
}

/**
 * Mean over samples of `sampleSize` values of the PSNR in dB (peak 1) of each, every per-sample PSNR capped at
 * 100 dB before averaging (an identical sample counts 100 dB, not Infinity).
 */
export function meanPsnr(target: Float32Array, prediction: Float32Array, sampleSize: number): number {
  return cappedPsnrSum(target, prediction, sampleSize) / sampleCount(target, sampleSize, 'meanPsnr');
}

/**
 * `initial` plus the squared differences of `target` and `prediction` (same length), added one by one in
 * float64: a chunked caller passing its running sum gets the same bits as one pass over all values.
 */
export function squaredErrorSum(target: Float32Array, prediction: Float32Array, initial = 0): number {
  sameLength(target, prediction, 'meanMse');
  requireFinite(target, 'meanMse target');
  requireFinite(prediction, 'meanMse prediction', { fix: PREDICTION_FIX });
  let sum = initial;
  for (let i = 0; i < target.length; i++) {
    const d = (target[i] as number) - (prediction[i] as number);
    sum += d * d;
  }
  return sum;
}

/** Sum over samples of `sampleSize` values of the PSNR in dB (peak 1) of each, capped at `PSNR_CAP_DB`. */
export function cappedPsnrSum(target: Float32Array, prediction: Float32Array, sampleSize: number): number {
  let sum = 0;
  for (const v of psnrPer(target, prediction, sampleSize)) sum += Math.min(v, PSNR_CAP_DB);
  return sum;
}
