import { OptionError } from '@aekit/core';
import { sampleCount } from '../internal/check.js';
import { forEachDistanceRow, smallestK } from '../internal/distances.js';
import { requireFinite } from '../internal/finite.js';

/**
 * Retrieval precision@k: for each sample, the fraction of its k nearest other samples (Euclidean, in the
 * given space) that share its label, averaged over samples.
 */
export function precisionAtK(points: Float32Array, dim: number, labels: ArrayLike<number>, k = 10): number {
  const n = sampleCount(points, dim, 'precisionAtK');
  requireFinite(points, 'precisionAtK', { sampleSize: dim });
  if (labels.length !== n) {
    throw new OptionError(`precisionAtK: ${n} points but ${labels.length} labels; pass one label per point.`);
  }
  if (k < 1 || k >= n) throw new OptionError(`precisionAtK: k must be in [1, ${n - 1}], got ${k}.`);
  let total = 0;
  forEachDistanceRow(points, points, dim, (i, dist) => {
    const nn = smallestK(dist, k, i);
    total += nn.filter((j) => labels[j] === labels[i]).length / k;
  });
  return total / n;
}
