import { OptionError } from '@aekit/core';
import { sampleCount } from '../internal/check.js';
import { forEachDistanceRow, smallestK } from '../internal/distances.js';
import { requireFinite } from '../internal/finite.js';

export interface KnnDetectorOptions {
  /** Neighbours considered. Default 5. */
  k?: number;
  /** `largest`: distance to the k-th neighbour (PyOD's default); `mean`: mean distance to the k nearest. */
  method?: 'largest' | 'mean';
}

/** k-nearest-neighbour distance to the normal training set: a classic anomaly baseline (PyOD's `KNN`). */
export class KnnDetector {
  private train: Float32Array | undefined;
  readonly k: number;
  readonly method: 'largest' | 'mean';

  constructor(
    readonly featureSize: number,
    options: KnnDetectorOptions = {},
  ) {
    this.k = options.k ?? 5;
    this.method = options.method ?? 'largest';
    if (!Number.isInteger(this.k) || this.k < 1) {
      throw new OptionError(`KnnDetector: k must be a positive integer, got ${this.k}.`);
    }
  }

  fit(x: Float32Array): this {
    const n = sampleCount(x, this.featureSize, 'KnnDetector.fit');
    requireFinite(x, 'KnnDetector.fit', { sampleSize: this.featureSize });
    if (n < this.k) {
      throw new OptionError(`KnnDetector.fit: needs at least k=${this.k} training samples, got ${n}.`);
    }
    this.train = x;
    return this;
  }

  /** Anomaly score per sample (Euclidean distance; higher = more anomalous). */
  score(x: Float32Array): Float64Array {
    const train = this.fitted('score');
    const n = sampleCount(x, this.featureSize, 'KnnDetector.score');
    requireFinite(x, 'KnnDetector.score', { sampleSize: this.featureSize });
    const out = new Float64Array(n);
    forEachDistanceRow(x, train, this.featureSize, (i, dist) => {
      out[i] = this.fromNearest(dist, smallestK(dist, this.k));
    });
    return out;
  }

  /**
   * Score of each training sample against the other training samples (leave-one-out; scoring the training
   * set with `score` would count each sample as its own nearest neighbour): the normal-score distribution
   * to set a threshold from, as `ReconstructionDetector.trainScores`.
   */
  leaveOneOutScores(): Float64Array {
    const train = this.fitted('leaveOneOutScores');
    const n = train.length / this.featureSize;
    if (n <= this.k) {
      throw new OptionError(
        `KnnDetector.leaveOneOutScores: needs more than k=${this.k} training samples, got ${n}.`,
      );
    }
    const out = new Float64Array(n);
    forEachDistanceRow(train, train, this.featureSize, (i, dist) => {
      out[i] = this.fromNearest(dist, smallestK(dist, this.k, i));
    });
    return out;
  }

  private fitted(what: string): Float32Array {
    if (this.train === undefined) throw new OptionError(`KnnDetector.${what}: call fit(normalData) first.`);
    return this.train;
  }

  private fromNearest(squaredDistances: Float64Array, nearest: number[]): number {
    if (this.method === 'largest')
      return Math.sqrt(squaredDistances[nearest[this.k - 1] as number] as number);
    return nearest.reduce((s, j) => s + Math.sqrt(squaredDistances[j] as number), 0) / this.k;
  }
}
