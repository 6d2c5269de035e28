import { percentile } from './percentile.js';

/** What a detector file keeps of its calibration scores. */
export interface ScoreSummary {
  readonly count: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Percentiles 50, 90, 95, 99 and 99.9. */
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
}

export function summarizeScores(scores: ArrayLike<number>): ScoreSummary {
  let s = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i] as number;
    s += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / scores.length;
  let q = 0;
  for (let i = 0; i < scores.length; i++) q += ((scores[i] as number) - mean) ** 2;
  return {
    count: scores.length,
    mean,
    std: Math.sqrt(q / scores.length),
    min,
    max,
    p50: percentile(scores, 50),
    p90: percentile(scores, 90),
    p95: percentile(scores, 95),
    p99: percentile(scores, 99),
    p999: percentile(scores, 99.9),
  };
}

/** [mean, standard deviation] of scores, to z-score them with (a standard deviation of 0 becomes 1). */
export function zScoreStats(scores: ArrayLike<number>): [number, number] {
  const { mean, std } = summarizeScores(scores);
  return [mean, std > 0 ? std : 1];
}
