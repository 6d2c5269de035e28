/** Small dense linear algebra on row-major Float64Arrays (enough for PCA; not a general library). */

/** Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations. Eigenvalues descending. */
export function symmetricEigen(
  matrix: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += (a[p * n + p] as number) ** 2;
      for (let q = p + 1; q < n; q++) off += (a[p * n + q] as number) ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => (a[y * n + y] as number) - (a[x * n + x] as number),
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n); // column j = eigenvector j
  order.forEach((src, j) => {
    values[j] = a[src * n + src] as number;
    for (let k = 0; k < n; k++) vectors[k * n + j] = v[k * n + src] as number;
  });
  return { values, vectors };
}

/** Orthonormalises the q columns of the d x q matrix `m` in place (modified Gram-Schmidt, twice). */
export function orthonormalizeColumns(m: Float64Array, d: number, q: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < q; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += (m[k * q + i] as number) * (m[k * q + j] as number);
        for (let k = 0; k < d; k++) m[k * q + j] = (m[k * q + j] as number) - dot * (m[k * q + i] as number);
      }
      let norm = 0;
      for (let k = 0; k < d; k++) norm += (m[k * q + j] as number) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < d; k++) m[k * q + j] = (m[k * q + j] as number) / norm;
    }
  }
}

/** (d x d symmetric) times (d x q). */
export function matMul(
  a: Float64Array,
  b: Float64Array,
  rows: number,
  inner: number,
  cols: number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < inner; k++) {
      const aik = a[i * inner + k] as number;
      if (aik === 0) continue;
      const bo = k * cols;
      const oo = i * cols;
      for (let j = 0; j < cols; j++) out[oo + j] = (out[oo + j] as number) + aik * (b[bo + j] as number);
    }
  }
  return out;
}
