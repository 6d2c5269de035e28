import { OptionError } from '@aekit/core';
import { requireFinite } from '../internal/finite.js';

/** One point of the precision/recall curve: flagging every score above `threshold`. */
export interface PrecisionRecallPoint {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * Precision, recall and F1 of `score > threshold` for each cut between distinct scores, from the highest (one
 * group flagged) to below the lowest (everything flagged). Each point's threshold is the midpoint between the
 * lowest flagged score and the next lower one (the lowest score minus 1 for the last point). `labels`: 1 =
 * anomaly, 0 = normal.
 */
export function precisionRecallCurve(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): PrecisionRecallPoint[] {
  if (labels.length !== scores.length) {
    throw new OptionError(`precisionRecallCurve: ${labels.length} labels for ${scores.length} scores.`);
  }
  requireFinite(scores, 'precisionRecallCurve scores');
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l !== 0 && l !== 1) throw new OptionError(`precisionRecallCurve: label ${i} is ${l}, not 0 or 1.`);
    positives += l;
  }
  if (positives === 0) throw new OptionError('precisionRecallCurve: no anomaly (label 1) among the labels.');
  const order = Array.from(scores, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const points: PrecisionRecallPoint[] = [];
  let tp = 0;
  let flagged = 0;
  for (let i = 0; i < order.length; i++) {
    const o = order[i] as number;
    tp += labels[o] as number;
    flagged++;
    const s = scores[o] as number;
    const next = i + 1 < order.length ? (scores[order[i + 1] as number] as number) : undefined;
    if (next === s) continue;
    const precision = tp / flagged;
    const recall = tp / positives;
    points.push({
      threshold: next === undefined ? s - 1 : (s + next) / 2,
      precision,
      recall,
      f1: tp === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    });
  }
  return points;
}

/** The point of `precisionRecallCurve` with the highest F1 (the higher threshold on a tie). */
export function f1Threshold(labels: ArrayLike<number>, scores: ArrayLike<number>): PrecisionRecallPoint {
  const curve = precisionRecallCurve(labels, scores);
  return curve.reduce((best, p) => (p.f1 > best.f1 ? p : best), curve[0] as PrecisionRecallPoint);
}
