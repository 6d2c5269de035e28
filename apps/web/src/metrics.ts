// The page's own array helpers; the reconstruction error (MSE) is `meanMse` from @aekit/eval/metrics.

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`maxAbsDiff: lengths differ (${a.length} vs ${b.length})`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Linear interpolation a + t (b - a), element-wise. */
export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  return a.map((v, i) => v + t * (b[i]! - v));
}
