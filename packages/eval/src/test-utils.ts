/** Deterministic inputs shared with scripts/reference-values.py (which computes the expected values). */
export function imagePair(h: number, w: number, c: number, seed: number): [Float32Array, Float32Array] {
  const n = h * w * c;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = (Math.sin(i * 0.37 + seed) + 1) / 2;
    b[i] = Math.min(1, Math.max(0, (a[i] as number) + 0.15 * Math.cos(i * 1.3 + seed)));
  }
  return [a, b];
}

export function table(n: number, d: number): Float32Array {
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      x[i * d + j] =
        Math.sin((0.7 * i * (j + 1)) / d + j) * (1 + 3 / (j + 1)) +
        0.3 * Math.cos(0.13 * i * j) +
        Math.sin(i * 0.05) * (j % 4);
    }
  }
  return x;
}
