import { describe, expect, it } from 'vitest';
import { renderSvg, svgToPng } from './plots.js';
import { featureErrorSpec, featureErrors, seriesReconstructionSpec } from './run-plots.js';

const PNG = [0x89, 0x50, 0x4e, 0x47];

describe('run plots', () => {
  it('featureErrors: per-column MSE over the rows and its standard error', () => {
    // Two rows of two features: squared errors (1, 0) and (9, 4).
    const e = featureErrors(Float32Array.of(1, 0, 3, 2), Float32Array.of(0, 0, 0, 0), ['a', 'b']);
    expect(e.map((f) => [f.feature, f.mse])).toEqual([
      ['a', 5],
      ['b', 2],
    ]);
    // Sample std of (1, 9) is sqrt(32), over sqrt(2) rows: 4.
    expect(e[0]!.stderr).toBeCloseTo(4, 10);
  });

  it('the error bars and the series panels render to PNG', async () => {
    const bars = featureErrorSpec(
      featureErrors(Float32Array.of(1, 0, 3, 2), new Float32Array(4), ['mean radius', 'worst area']),
      'Test MSE per feature',
    );
    const svg = await renderSvg(bars);
    expect(svg).toMatch(/mean radius/);
    expect(Array.from(svgToPng(svg).subarray(0, 4))).toEqual(PNG);
    const series = seriesReconstructionSpec(
      [100, 228].map((start) => ({
        start,
        original: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)),
        reconstruction: Float32Array.from({ length: 16 }, (_, i) => 0.9 * Math.sin(i)),
      })),
      ['mv', 'slope'],
      'Test windows',
    );
    const seriesSvg = await renderSvg(series);
    expect(seriesSvg).toMatch(/from step 228/);
    expect(Array.from(svgToPng(seriesSvg).subarray(0, 4))).toEqual(PNG);
  });
});
