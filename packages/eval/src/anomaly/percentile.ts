import { OptionError } from '@aekit/core';
import { requireFinite } from '../internal/finite.js';

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
