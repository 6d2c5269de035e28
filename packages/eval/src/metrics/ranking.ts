import { DataError } from '@aekit/core';
import { sameLength } from '../internal/check.js';
import { requireFinite } from '../internal/finite.js';

function countClasses(labels: ArrayLike<number>, what: string): { pos: number; neg: number } {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === 1) pos++;
    else if (l === 0) neg++;
    else
      throw new DataError(
        'DATA_INVALID',
        `${what}: labels must be 0 (normal) or 1 (anomaly), got ${l} at index ${i}.`,
      );
  }
  if (pos === 0 || neg === 0) {
    throw new DataError(
      'DATA_INVALID',
      `${what}: needs both classes, got ${pos} positive and ${neg} negative labels. Score a set holding normal and anomalous samples.`,
    );
  }
  return { pos, neg };
}

/** Checks labels and scores of a ranking metric; non-finite scores have no rank. */
function checkRanking(labels: ArrayLike<number>, scores: ArrayLike<number>, what: string) {
  sameLength(labels, scores, what);
  requireFinite(scores, `${what} scores`);
  return countClasses(labels, what);
}

/**
 * Area under the ROC curve of `scores` (higher = more anomalous) against 0/1 `labels`; ties count half,
 * as sklearn's `roc_auc_score` (Mann-Whitney U with mid-ranks). NaN or ±Infinity scores throw `DataError`.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { pos, neg } = checkRanking(labels, scores, 'rocAuc');
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let rankSumPos = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    const s = scores[order[i] as number] as number;
    while (j + 1 < order.length && scores[order[j + 1] as number] === s) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k] as number] === 1) rankSumPos += midRank;
    i = j + 1;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Area under the precision-recall curve as average precision (sklearn's `average_precision_score`):
 * sum over distinct thresholds of (R_n - R_{n-1}) * P_n, positives = label 1. NaN or ±Infinity scores throw
 * `DataError`.
 */
export function prAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { pos } = checkRanking(labels, scores, 'prAuc');
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  let i = 0;
  while (i < order.length) {
    const s = scores[order[i] as number] as number;
    // Every sample of this threshold (at least the one at i, so the loop always advances).
    do {
      if (labels[order[i] as number] === 1) tp++;
      else fp++;
      i++;
    } while (i < order.length && scores[order[i] as number] === s);
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}
