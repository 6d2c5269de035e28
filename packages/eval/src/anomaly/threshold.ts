import { OptionError } from '@aekit/core';
import { percentile } from './percentile.js';
import { potThreshold } from './pot.js';
import { f1Threshold } from './precision-recall.js';

/**
 * How a detector turns the scores of held-out normal data into a threshold (a score above it is an anomaly):
 * - `percentile`: that percentile of the scores (false-alarm rate about 1 - p/100);
 * - `fpr`: the target false-positive rate, the 100(1 - fpr) percentile;
 * - `contamination`: the expected anomaly fraction of the scored data (PyOD's), the 100(1 - c) percentile;
 * - `mad`: median + k * 1.4826 * MAD (robust to anomalies among the calibration scores);
 * - `pot`: peaks over threshold, for a very low false-alarm rate `q` (below what the percentiles can resolve):
 *   a generalised Pareto tail fitted to the scores above their `level` quantile (default 0.9), extrapolated
 *   to the score exceeded with probability `q`;
 * - `f1`: with labelled calibration data, the threshold that maximises F1 (see `f1Threshold`).
 */
export type ThresholdRule =
  | { percentile: number }
  | { fpr: number }
  | { contamination: number }
  | { mad: number }
  | { pot: number; level?: number }
  | { f1: true };

/** Median + k * 1.4826 * median absolute deviation (1.4826 MAD estimates the standard deviation of a normal). */
export function madThreshold(values: ArrayLike<number>, k: number): number {
  if (!(k > 0)) throw new OptionError(`mad: k must be positive (e.g. 3), got ${k}.`);
  const median = percentile(values, 50);
  const deviations = Float64Array.from(values, (v) => Math.abs(v - median));
  return median + k * 1.4826 * percentile(deviations, 50);
}

function requireRate(name: string, value: number, max: number, example: string): void {
  if (!(value > 0 && value < max)) {
    throw new OptionError(`${name} must be in (0, ${max}), ${example}; got ${value}.`);
  }
}

/**
 * The threshold for `rule` over `scores` of held-out normal data (for `f1`: of labelled data, `labels` 1 =
 * anomaly).
 */
export function thresholdFor(
  scores: ArrayLike<number>,
  rule: ThresholdRule,
  labels?: ArrayLike<number>,
): number {
  if ('percentile' in rule) return percentile(scores, rule.percentile);
  if ('fpr' in rule) {
    requireRate('fpr', rule.fpr, 1, 'the false-positive rate to aim for (e.g. 0.01)');
    return percentile(scores, 100 * (1 - rule.fpr));
  }
  if ('contamination' in rule) {
    requireRate('contamination', rule.contamination, 0.5, 'the expected anomaly fraction');
    return percentile(scores, 100 * (1 - rule.contamination));
  }
  if ('mad' in rule) return madThreshold(scores, rule.mad);
  if ('pot' in rule) return potThreshold(scores, rule.pot, rule.level).threshold;
  if (labels === undefined) {
    throw new OptionError('threshold f1 needs labelled calibration data (1 = anomaly, 0 = normal).');
  }
  return f1Threshold(labels, scores).threshold;
}

/**
 * The false-alarm rate `rule` aims for on normal data (undefined for `mad` and `f1`, which do not set one:
 * measure it on held-out normal data).
 */
export function expectedFalseAlarmRate(rule: ThresholdRule): number | undefined {
  if ('percentile' in rule) return 1 - rule.percentile / 100;
  if ('fpr' in rule) return rule.fpr;
  if ('contamination' in rule) return rule.contamination;
  if ('pot' in rule) return rule.pot;
  return undefined;
}

/** `rule` as the CLI writes it: `percentile:99`, `fpr:0.01`, `contamination:0.05`, `mad:3`, `pot:0.001`, `f1`. */
export function formatThresholdRule(rule: ThresholdRule): string {
  if ('f1' in rule) return 'f1';
  const [name, value] = Object.entries(rule)[0] as [string, number];
  return `${name}:${value}`;
}

const RULE_HELP = 'percentile:99, fpr:0.01, contamination:0.05, mad:3, pot:0.001 or f1';

/** Parses `formatThresholdRule`'s text; a malformed one throws `OptionError` listing the forms. */
export function parseThresholdRule(text: string): ThresholdRule {
  if (text === 'f1') return { f1: true };
  const match = /^(percentile|fpr|contamination|mad|pot):([0-9.eE+-]+)$/.exec(text.trim());
  const value = match ? Number(match[2]) : Number.NaN;
  if (!match || !Number.isFinite(value)) {
    throw new OptionError(`threshold "${text}" is not one of ${RULE_HELP}.`);
  }
  const rule = { [match[1] as string]: value } as ThresholdRule;
  if ('percentile' in rule && !(value >= 0 && value <= 100)) {
    throw new OptionError(`threshold percentile must be in [0, 100], got ${value}.`);
  }
  if ('fpr' in rule) requireRate('fpr', value, 1, 'the false-positive rate to aim for (e.g. 0.01)');
  if ('contamination' in rule) requireRate('contamination', value, 0.5, 'the expected anomaly fraction');
  if ('pot' in rule) requireRate('pot', value, 1, 'the false-alarm rate to aim for (e.g. 0.001)');
  if ('mad' in rule && !(value > 0)) throw new OptionError(`mad: k must be positive (e.g. 3), got ${value}.`);
  return rule;
}

export { percentile } from './percentile.js';
