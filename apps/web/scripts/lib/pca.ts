/**
 * Projects `n` row vectors of size `dim` onto their first two principal components (power iteration with
 * deflation on the covariance matrix). Returns [x0, y0, x1, y1, ...] and the variance each axis explains.
 */
export function pca2(
  rows: Float32Array,
  n: number,
  dim: number,
): { points: Float32Array; explained: [number, number] } {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += rows[i * dim + j]! / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const da = rows[i * dim + a]! - mean[a]!;
      for (let b = a; b < dim; b++)
        cov[a * dim + b]! += (da * (rows[i * dim + b]! - mean[b]!)) / Math.max(1, n - 1);
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a]!;
  let total = 0;
  for (let a = 0; a < dim; a++) total += cov[a * dim + a]!;
  const components: Float64Array[] = [];
  const explained: number[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(dim).map((_, i) => Math.cos(i + 1 + c));
    let lambda = 0;
    for (let iter = 0; iter < 500; iter++) {
      const w = new Float64Array(dim);
      for (let a = 0; a < dim; a++) {
        let s = 0;
        for (let b = 0; b < dim; b++) s += cov[a * dim + b]! * v[b]!;
        w[a] = s;
      }
      const norm = Math.hypot(...w) || 1;
      lambda = norm;
      v = w.map((x) => x / norm);
    }
    components.push(v);
    explained.push(total > 0 ? lambda / total : 0);
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a * dim + b]! -= lambda * v[a]! * v[b]!;
  }
  const points = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (rows[i * dim + j]! - mean[j]!) * components[c]![j]!;
      points[i * 2 + c] = s;
    }
  }
  return { points, explained: [explained[0]!, explained[1]!] };
}
