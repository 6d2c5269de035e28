import { describe, expect, it } from 'vitest';
import { msePer } from '../metrics/image-metrics.js';
import { table } from '../test-utils.js';
import { Pca } from './pca.js';

const meanOf = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;

function correlation(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * ((y[i] as number) - my);
    sxx += (v - mx) ** 2;
    syy += ((y[i] as number) - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

// Expected values: sklearn 1.2.1 PCA(svd_solver='full') in scripts/reference-values.py.
describe('Pca', () => {
  it('matches sklearn on 200 x 10 (full eigen-decomposition)', () => {
    const x = table(200, 10);
    const p = Pca.fit(x, 10, { components: 3 });
    const expected = [0.4238747050777514, 0.2136700184726858, 0.10795244954615274];
    expected.forEach((r, i) => {
      expect(Math.abs((p.explainedVarianceRatio[i] as number) - r)).toBeLessThan(1e-6);
    });
    expect(Math.abs((p.explainedVariance[0] as number) - 14.584894541507072)).toBeLessThan(1e-5);
    expect(Math.abs(meanOf(msePer(x, p.reconstruct(x), 10)) - 0.8713276263488486)).toBeLessThan(1e-5);
  });

  it('matches sklearn on 300 x 200 (subspace iteration)', () => {
    const x = table(300, 200);
    const p = Pca.fit(x, 200, { components: 5 });
    const expected = [
      0.7454162703607816, 0.011109643495595652, 0.006841251438813862, 0.005589618524428522,
      0.0049793348261716885,
    ];
    expected.forEach((r, i) => {
      expect(Math.abs((p.explainedVarianceRatio[i] as number) - r)).toBeLessThan(1e-6);
    });
    expect(Math.abs(meanOf(msePer(x, p.reconstruct(x), 200)) - 0.5330416855472553)).toBeLessThan(1e-5);
  });

  it('transform projects onto the two directions of largest variance (as the web explorer uses it)', () => {
    // Spread 10 along (1, 1, 0)/sqrt2, 2 along z, 0.1 along (1, -1, 0)/sqrt2, plus an offset.
    const n = 200;
    const a = Array.from({ length: n }, (_, i) => 10 * Math.sin(i * 1.3));
    const b = Array.from({ length: n }, (_, i) => 2 * Math.cos(i * 0.7));
    const c = Array.from({ length: n }, (_, i) => 0.1 * Math.sin(i * 2.9));
    const rows = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const [ai, bi, ci] = [a[i] as number, b[i] as number, c[i] as number];
      rows.set([(ai + ci) / Math.SQRT2 + 5, (ai - ci) / Math.SQRT2 - 1, bi], i * 3);
    }
    const p = Pca.fit(rows, 3, { components: 2 });
    const [r0, r1] = [p.explainedVarianceRatio[0] as number, p.explainedVarianceRatio[1] as number];
    expect(r0).toBeGreaterThan(0.9);
    expect(r0 + r1).toBeGreaterThan(0.999);
    const points = p.transform(rows);
    const px = Array.from({ length: n }, (_, i) => points[2 * i] as number);
    const py = Array.from({ length: n }, (_, i) => points[2 * i + 1] as number);
    expect(Math.abs(correlation(px, a))).toBeGreaterThan(0.9999);
    expect(Math.abs(correlation(py, b))).toBeGreaterThan(0.999);
  });

  it('components are orthonormal', () => {
    const p = Pca.fit(table(300, 200), 200, { components: 5 });
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) {
        let dot = 0;
        for (let j = 0; j < 200; j++)
          dot += (p.components[a * 200 + j] as number) * (p.components[b * 200 + j] as number);
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-9);
      }
    }
  });

  it('many features against few samples (no covariance matrix) agree with the covariance path on the same structure', () => {
    // Each row of a 60 x 41 table repeated 100 times: the same explained variance ratios and per-value MSE.
    const small = table(60, 41);
    const wide = new Float32Array(60 * 4100);
    for (let i = 0; i < 60; i++)
      for (let r = 0; r < 100; r++) wide.set(small.subarray(i * 41, (i + 1) * 41), i * 4100 + r * 41);
    const a = Pca.fit(small, 41, { components: 5 });
    const b = Pca.fit(wide, 4100, { components: 5 });
    for (let i = 0; i < 5; i++) {
      expect(
        Math.abs((b.explainedVarianceRatio[i] as number) - (a.explainedVarianceRatio[i] as number)),
      ).toBeLessThan(1e-6);
    }
    const mseA = meanOf(msePer(small, a.reconstruct(small), 41));
    const mseB = meanOf(msePer(wide, b.reconstruct(wide), 4100));
    expect(Math.abs(mseB - mseA)).toBeLessThan(1e-5 * mseA);
  });

  it('rejects more components than features', () => {
    expect(() => Pca.fit(table(20, 4), 4, { components: 5 })).toThrow(
      /components must be an integer in \[1, 4\]/,
    );
  });
});
