import { OptionError } from '@aekit/core';
import { sampleCount } from './check.js';

/** Squared distances of each row of `a` [na, d] to each row of `b` [nb, d], one query row at a time. */
export function forEachDistanceRow(
  a: Float32Array,
  b: Float32Array,
  d: number,
  visit: (i: number, squaredDistances: Float64Array) => void,
): void {
  const na = a.length / d;
  const nb = b.length / d;
  const bNorms = new Float64Array(nb);
  for (let j = 0; j < nb; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += (b[j * d + t] as number) ** 2;
    bNorms[j] = s;
  }
  // Queries in blocks of 8 against each training row, so a training row is read once per block.
  const BLOCK = 8;
  const dists = Array.from({ length: BLOCK }, () => new Float64Array(nb));
  const aNorms = new Float64Array(BLOCK);
  for (let i0 = 0; i0 < na; i0 += BLOCK) {
    const m = Math.min(BLOCK, na - i0);
    for (let q = 0; q < m; q++) {
      let s = 0;
      const o = (i0 + q) * d;
      for (let t = 0; t < d; t++) s += (a[o + t] as number) ** 2;
      aNorms[q] = s;
    }
    for (let j = 0; j < nb; j++) {
      const p = j * d;
      for (let q = 0; q < m; q++) {
        const o = (i0 + q) * d;
        let dot = 0;
        for (let t = 0; t < d; t++) dot += (a[o + t] as number) * (b[p + t] as number);
        (dists[q] as Float64Array)[j] = Math.max(0, (aNorms[q] as number) + (bNorms[j] as number) - 2 * dot);
      }
    }
    for (let q = 0; q < m; q++) visit(i0 + q, dists[q] as Float64Array);
  }
}

/** Indices of the k smallest values (ascending), skipping `skip`. */
export function smallestK(values: Float64Array, k: number, skip = -1): number[] {
  const idx: number[] = [];
  for (let j = 0; j < values.length; j++) {
    if (j === skip) continue;
    const v = values[j] as number;
    if (idx.length < k) {
      idx.push(j);
      idx.sort((x, y) => (values[x] as number) - (values[y] as number));
    } else if (v < (values[idx[k - 1] as number] as number)) {
      let pos = k - 1;
      while (pos > 0 && (values[idx[pos - 1] as number] as number) > v) pos--;
      idx.splice(pos, 0, j);
      idx.pop();
    }
  }
  return idx;
}

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
