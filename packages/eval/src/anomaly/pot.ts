import { OptionError } from '@aekit/core';
import { percentile } from './percentile.js';

/** A generalised Pareto tail fitted above `level`'s quantile `initial` (peaks over threshold). */
export interface PotFit {
  /** The score exceeded with probability `q` under the fitted tail. */
  readonly threshold: number;
  /** The initial threshold: the `level` quantile of the scores. */
  readonly initial: number;
  /** Shape xi of the generalised Pareto distribution (0: exponential tail, > 0: heavy tail). */
  readonly shape: number;
  /** Scale sigma of the generalised Pareto distribution. */
  readonly scale: number;
  /** Scores above `initial`. */
  readonly exceedances: number;
}

/**
 * Shape and scale of a generalised Pareto distribution from positive excesses, by probability-weighted
 * moments (Hosking & Wallis 1987): a0 = mean, a1 = mean of (1 - p_i) x_(i) with p_i = (i - 0.35)/n over the
 * ascending excesses; xi = 2 - a0 / (a0 - 2 a1), sigma = 2 a0 a1 / (a0 - 2 a1).
 */
export function fitGeneralizedPareto(excesses: ArrayLike<number>): { shape: number; scale: number } {
  const n = excesses.length;
  const sorted = Float64Array.from(excesses).sort();
  let a0 = 0;
  let a1 = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i] as number;
    a0 += x;
    a1 += (1 - (i + 1 - 0.35) / n) * x;
  }
  a0 /= n;
  a1 /= n;
  const denominator = a0 - 2 * a1;
  return { shape: 2 - a0 / denominator, scale: (2 * a0 * a1) / denominator };
}

/**
 * Peaks over threshold (as SPOT, Siffer et al. 2017): the scores above their `level` quantile are fitted with a
 * generalised Pareto tail, and the threshold is the score that tail says is exceeded with probability `q`:
 * `initial + sigma/xi * ((q n / N_t)^-xi - 1)` (xi = 0: `initial - sigma ln(q n / N_t)`).
 */
export function potThreshold(scores: ArrayLike<number>, q: number, level = 0.9): PotFit {
  if (!(q > 0 && q < 1)) throw new OptionError(`pot: q must be in (0, 1) (e.g. 0.001), got ${q}.`);
  if (!(level > 0 && level < 1)) throw new OptionError(`pot: level must be in (0, 1), got ${level}.`);
  const initial = percentile(scores, 100 * level);
  const excesses: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (s > initial) excesses.push(s - initial);
  }
  if (excesses.length < 10) {
    throw new OptionError(
      `pot: ${excesses.length} of ${scores.length} scores lie above their ${level} quantile; the tail fit needs at least 10 (calibrate on more data or lower the level).`,
    );
  }
  const tail = excesses.length / scores.length;
  if (q >= tail) {
    throw new OptionError(
      `pot: q=${q} is not in the tail above the ${level} quantile (${tail.toFixed(3)} of the scores); use percentile:${100 * (1 - q)} instead.`,
    );
  }
  const { shape, scale } = fitGeneralizedPareto(excesses);
  const ratio = q / tail;
  const threshold =
    Math.abs(shape) < 1e-9
      ? initial - scale * Math.log(ratio)
      : initial + (scale / shape) * (ratio ** -shape - 1);
  return { threshold, initial, shape, scale, exceedances: excesses.length };
}
