import { createRng, OptionError } from '@aekit/core';
import { sampleCount } from '../internal/check.js';
import { requireFinite } from '../internal/finite.js';
import { matMul, orthonormalizeColumns, symmetricEigen } from './linalg.js';

export interface PcaOptions {
  /** Number of principal components to keep. */
  components: number;
  /**
   * Most subspace iterations when the feature count is large (> 128). Default 40; the iteration stops
   * earlier once the variance captured by the kept components changes by less than `tolerance`.
   */
  iterations?: number;
  /** Relative change of the captured variance below which the subspace iteration stops. Default 1e-7. */
  tolerance?: number;
  /** Seeds the random start of the subspace iteration. Default 0. */
  seed?: number;
}

/** Feature counts up to this use a full Jacobi eigen-decomposition of the covariance. */
const FULL_EIGEN_MAX = 128;
/**
 * Whether to skip the d x d covariance (n·d²/2 multiply-adds to form, d²·q per iteration) and multiply by
 * the centred data instead (2·n·d·q per iteration), by the estimated cost with 20 iterations: many features
 * against few samples (12,288 features of a 64x64x3 image: the covariance alone would be 1.2 GB).
 */
function withoutCovariance(n: number, d: number, q: number): boolean {
  return d > FULL_EIGEN_MAX && 40 * n * d * q < (n * d * d) / 2 + 20 * d * d * q;
}

/**
 * Principal component analysis (as sklearn's `PCA`, without whitening): the covariance of the centred
 * data, then its leading eigenvectors by a full symmetric eigen-decomposition (few features) or by
 * subspace iteration with Rayleigh-Ritz (many features). Also an anomaly baseline: its reconstruction error.
 */
export class Pca {
  private constructor(
    readonly featureSize: number,
    /** Per-feature mean of the training data. */
    readonly mean: Float64Array,
    /** [components, featureSize], rows are unit principal axes (sign: largest |value| positive). */
    readonly components: Float64Array,
    /** Variance along each component (n - 1 denominator), descending. */
    readonly explainedVariance: Float64Array,
    /** `explainedVariance` / total variance. */
    readonly explainedVarianceRatio: Float64Array,
  ) {}

  get componentCount(): number {
    return this.explainedVariance.length;
  }

  static fit(x: Float32Array, featureSize: number, options: PcaOptions): Pca {
    const n = sampleCount(x, featureSize, 'Pca.fit');
    requireFinite(x, 'Pca.fit', { sampleSize: featureSize });
    const d = featureSize;
    const k = options.components;
    if (!Number.isInteger(k) || k < 1 || k > Math.min(n, d)) {
      throw new OptionError(
        `Pca.fit: components must be an integer in [1, ${Math.min(n, d)}] (min of samples and features), got ${k}.`,
      );
    }
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[i * d + j] as number);
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
    if (withoutCovariance(n, d, Math.min(d, k + 10)))
      return Pca.fitWithoutCovariance(x, n, d, k, mean, options);
    // Covariance (upper triangle accumulated row by row, then mirrored).
    const cov = new Float64Array(d * d);
    const row = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) row[j] = (x[i * d + j] as number) - (mean[j] as number);
      for (let a = 0; a < d; a++) {
        const ra = row[a] as number;
        if (ra === 0) continue;
        const o = a * d;
        for (let b = a; b < d; b++) cov[o + b] = (cov[o + b] as number) + ra * (row[b] as number);
      }
    }
    let trace = 0;
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        const v = (cov[a * d + b] as number) / (n - 1);
        cov[a * d + b] = v;
        cov[b * d + a] = v;
      }
      trace += cov[a * d + a] as number;
    }
    let values: Float64Array;
    let vectors: Float64Array; // d x q, columns
    let q: number;
    if (d <= FULL_EIGEN_MAX) {
      ({ values, vectors } = symmetricEigen(cov, d));
      q = d;
    } else {
      q = Math.min(d, k + 10);
      ({ values, vectors } = subspaceIteration((m) => matMul(cov, m, d, d, q), d, q, k, options));
    }
    return Pca.fromEigen(d, k, q, mean, values, vectors, trace);
  }

  /** Subspace iteration on C·Q = Xcᵀ(Xc·Q)/(n-1), never forming C (many features). */
  private static fitWithoutCovariance(
    x: Float32Array,
    n: number,
    d: number,
    k: number,
    mean: Float64Array,
    options: PcaOptions,
  ): Pca {
    const q = Math.min(d, n, k + 10);
    let trace = 0;
    const row = new Float64Array(d);
    const centre = (i: number): Float64Array => {
      for (let j = 0; j < d; j++) row[j] = (x[i * d + j] as number) - (mean[j] as number);
      return row;
    };
    for (let i = 0; i < n; i++) {
      centre(i);
      for (let j = 0; j < d; j++) trace += (row[j] as number) ** 2;
    }
    trace /= n - 1;
    const times = (m: Float64Array): Float64Array => {
      const out = new Float64Array(d * q); // Xcᵀ · (Xc · M) / (n - 1), one sample row at a time
      const xm = new Float64Array(q);
      for (let i = 0; i < n; i++) {
        centre(i);
        xm.fill(0);
        for (let r = 0; r < d; r++) {
          const v = row[r] as number;
          if (v === 0) continue;
          const mo = r * q;
          for (let c = 0; c < q; c++) xm[c] = (xm[c] as number) + v * (m[mo + c] as number);
        }
        for (let c = 0; c < q; c++) xm[c] = (xm[c] as number) / (n - 1);
        for (let r = 0; r < d; r++) {
          const v = row[r] as number;
          if (v === 0) continue;
          const mo = r * q;
          for (let c = 0; c < q; c++) out[mo + c] = (out[mo + c] as number) + v * (xm[c] as number);
        }
      }
      return out;
    };
    const { values, vectors } = subspaceIteration(times, d, q, k, options);
    return Pca.fromEigen(d, k, q, mean, values, vectors, trace);
  }

  private static fromEigen(
    d: number,
    k: number,
    q: number,
    mean: Float64Array,
    values: Float64Array,
    vectors: Float64Array,
    trace: number,
  ): Pca {
    const components = new Float64Array(k * d);
    for (let c = 0; c < k; c++) {
      let maxAbs = 0;
      let sign = 1;
      for (let j = 0; j < d; j++) {
        const v = vectors[j * q + c] as number;
        if (Math.abs(v) > maxAbs) {
          maxAbs = Math.abs(v);
          sign = v < 0 ? -1 : 1;
        }
      }
      for (let j = 0; j < d; j++) components[c * d + j] = sign * (vectors[j * q + c] as number);
    }
    const explainedVariance = values.slice(0, k).map((v) => Math.max(0, v));
    const ratio = explainedVariance.map((v) => (trace > 0 ? v / trace : 0));
    return new Pca(d, mean, components, explainedVariance, ratio);
  }

  /** [n, featureSize] -> [n, components]. */
  transform(x: Float32Array): Float32Array {
    const d = this.featureSize;
    const k = this.componentCount;
    const n = sampleCount(x, d, 'Pca.transform');
    requireFinite(x, 'Pca.transform', { sampleSize: d });
    const out = new Float32Array(n * k);
    const row = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) row[j] = (x[i * d + j] as number) - (this.mean[j] as number);
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (row[j] as number) * (this.components[c * d + j] as number);
        out[i * k + c] = s;
      }
    }
    return out;
  }

  /** [n, components] -> [n, featureSize]. */
  inverseTransform(z: Float32Array): Float32Array {
    const d = this.featureSize;
    const k = this.componentCount;
    const n = sampleCount(z, k, 'Pca.inverseTransform');
    requireFinite(z, 'Pca.inverseTransform', { sampleSize: k });
    const out = new Float32Array(n * d);
    const row = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      row.set(this.mean);
      for (let c = 0; c < k; c++) {
        const zc = z[i * k + c] as number;
        for (let j = 0; j < d; j++) row[j] = (row[j] as number) + zc * (this.components[c * d + j] as number);
      }
      out.set(row, i * d);
    }
    return out;
  }

  /** Projection onto the kept components and back. */
  reconstruct(x: Float32Array): Float32Array {
    return this.inverseTransform(this.transform(x));
  }
}

/**
 * Leading eigenpairs of a symmetric d x d operator `times` (M -> C·M for a d x q M) by subspace
 * iteration with a Rayleigh-Ritz step: at most `options.iterations` (40) products, stopping once the
 * variance captured by the first `k` columns, trace(Q_kᵀ C Q_k), changes by less than `options.tolerance`
 * (relative, 1e-7). Returns values descending and the d x q eigenvector columns.
 */
function subspaceIteration(
  times: (m: Float64Array) => Float64Array,
  d: number,
  q: number,
  k: number,
  options: PcaOptions,
): { values: Float64Array; vectors: Float64Array } {
  const rng = createRng(options.seed ?? 0);
  const tolerance = options.tolerance ?? 1e-7;
  let basis: Float64Array = new Float64Array(d * q);
  for (let i = 0; i < basis.length; i++) basis[i] = rng.normal();
  orthonormalizeColumns(basis, d, q);
  let cq: Float64Array | undefined;
  let previous = Number.NaN;
  for (let it = 0; it < (options.iterations ?? 40); it++) {
    const product = times(basis);
    let captured = 0;
    for (let r = 0; r < d; r++)
      for (let c = 0; c < k; c++) captured += (basis[r * q + c] as number) * (product[r * q + c] as number);
    if (Math.abs(captured - previous) <= tolerance * Math.abs(captured)) {
      cq = product;
      break;
    }
    previous = captured;
    basis = product;
    orthonormalizeColumns(basis, d, q);
  }
  // Rayleigh-Ritz: eigen-decompose B = Q^T C Q and rotate Q.
  cq ??= times(basis);
  const small = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += (basis[r * q + a] as number) * (cq[r * q + b] as number);
      small[a * q + b] = s;
    }
  }
  for (let a = 0; a < q; a++) {
    for (let b = a + 1; b < q; b++) {
      const v = ((small[a * q + b] as number) + (small[b * q + a] as number)) / 2;
      small[a * q + b] = v;
      small[b * q + a] = v;
    }
  }
  const eig = symmetricEigen(small, q);
  return { values: eig.values, vectors: matMul(basis, eig.vectors, d, q, q) };
}
