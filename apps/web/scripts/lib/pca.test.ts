import { describe, expect, it } from 'vitest';
import { pca2 } from './pca.js';

function correlation(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * (y[i]! - my);
    sxx += (v - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('pca2', () => {
  it('projects onto the two directions of largest variance', () => {
    // Spread 10 along (1, 1, 0)/sqrt2, 2 along z, 0.1 along (1, -1, 0)/sqrt2, plus an offset.
    const n = 200;
    const a = Array.from({ length: n }, (_, i) => 10 * Math.sin(i * 1.3));
    const b = Array.from({ length: n }, (_, i) => 2 * Math.cos(i * 0.7));
    const c = Array.from({ length: n }, (_, i) => 0.1 * Math.sin(i * 2.9));
    const rows = new Float32Array(n * 3);
    for (let i = 0; i < n; i++)
      rows.set([(a[i]! + c[i]!) / Math.SQRT2 + 5, (a[i]! - c[i]!) / Math.SQRT2 - 1, b[i]!], i * 3);
    const { points, explained } = pca2(rows, n, 3);
    expect(explained[0]).toBeGreaterThan(0.9);
    expect(explained[0] + explained[1]).toBeGreaterThan(0.999);
    const px = Array.from({ length: n }, (_, i) => points[2 * i]!);
    const py = Array.from({ length: n }, (_, i) => points[2 * i + 1]!);
    expect(Math.abs(correlation(px, a))).toBeGreaterThan(0.9999);
    expect(Math.abs(correlation(py, b))).toBeGreaterThan(0.999);
  });
});
