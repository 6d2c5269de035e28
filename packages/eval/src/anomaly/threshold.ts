import { OptionError } from '@aekit/core';
import { requireFinite } from '../internal/finite.js';

/** How a detector turns the training-score distribution into a threshold. */
export type ThresholdRule = { percentile: number } | { contamination: number };

/** Linear-interpolated percentile (numpy's default), p in [0, 100]. NaN or ±Infinity values throw `DataError`. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) throw new OptionError('percentile: no values.');
  if (!(p >= 0 && p <= 100)) throw new OptionError(`percentile: p must be in [0, 100], got ${p}.`);
  requireFinite(values, 'percentile values');
  const sorted = Float64Array.from(values).sort();
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** The threshold for `rule` over the scores of (mostly) normal training data. */
export function thresholdFor(scores: ArrayLike<number>, rule: ThresholdRule): number {
  if ('percentile' in rule) return percentile(scores, rule.percentile);
  const c = rule.contamination;
  if (!(c > 0 && c < 0.5)) {
    throw new OptionError(`contamination must be in (0, 0.5), the expected anomaly fraction; got ${c}.`);
  }
  return percentile(scores, 100 * (1 - c));
}
