import type { TopLevelSpec } from 'vega-lite';

/** Mean squared error of each feature (column) over the rows, and its standard error. */
export interface FeatureError {
  readonly feature: string;
  readonly mse: number;
  /** Standard error of the mean over the rows (std of the squared errors / sqrt(rows)). */
  readonly stderr: number;
}

/**
 * Per-feature errors of reconstructions of rows of `featureCount` values: squared error per feature averaged
 * over the rows, with its standard error.
 */
export function featureErrors(
  original: Float32Array,
  reconstruction: Float32Array,
  names: readonly string[],
): FeatureError[] {
  const width = names.length;
  const rows = width > 0 ? original.length / width : 0;
  const sum = new Float64Array(width);
  const sumSq = new Float64Array(width);
  for (let i = 0; i < original.length; i++) {
    const e = (original[i]! - reconstruction[i]!) ** 2;
    sum[i % width]! += e;
    sumSq[i % width]! += e * e;
  }
  return names.map((feature, j) => {
    const mse = rows > 0 ? sum[j]! / rows : 0;
    const variance = rows > 1 ? Math.max(0, sumSq[j]! / rows - mse * mse) * (rows / (rows - 1)) : 0;
    return { feature, mse, stderr: rows > 0 ? Math.sqrt(variance / rows) : 0 };
  });
}

/** Bars of each feature's test MSE with ±1 standard error, the features in file order. */
export function featureErrorSpec(errors: readonly FeatureError[], title: string): TopLevelSpec {
  const values = errors.map((e) => ({
    ...e,
    low: Math.max(0, e.mse - e.stderr),
    high: e.mse + e.stderr,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: Math.max(240, 18 * errors.length),
    height: 240,
    data: { values },
    encoding: { x: { field: 'feature', type: 'nominal', sort: errors.map((e) => e.feature), title: null } },
    layer: [
      {
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: { y: { field: 'mse', type: 'quantitative', title: 'test MSE (±1 s.e.)' } },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
    ],
  };
}

/** One window of a series: where it starts, and its values [steps, channels] and their reconstruction. */
export interface SeriesWindow {
  readonly start: number;
  readonly original: Float32Array;
  readonly reconstruction: Float32Array;
}

/**
 * Original vs reconstruction of a few windows of a series, one panel per window (x: the step in the series),
 * one line per channel and kind.
 */
export function seriesReconstructionSpec(
  windows: readonly SeriesWindow[],
  channels: readonly string[],
  title: string,
): TopLevelSpec {
  const width = channels.length;
  const values = windows.flatMap((w) =>
    Array.from(w.original, (v, i) => {
      const step = w.start + Math.floor(i / width);
      const channel = channels[i % width]!;
      return [
        { window: `from step ${w.start}`, step, channel, kind: 'original', value: v },
        {
          window: `from step ${w.start}`,
          step,
          channel,
          kind: 'reconstruction',
          value: w.reconstruction[i]!,
        },
      ];
    }).flat(),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    facet: {
      row: {
        field: 'window',
        type: 'nominal',
        sort: { field: 'start', op: 'min' },
        title: null,
        header: { labelAngle: 0, labelAlign: 'left' },
      },
    },
    spec: {
      width: 560,
      height: 110,
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: { field: 'step', type: 'quantitative', scale: { zero: false }, axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', scale: { zero: false }, title: null },
        color: { field: 'kind', type: 'nominal', scale: { range: ['#1f77b4', '#d62728'] } },
        ...(width > 1 && { strokeDash: { field: 'channel', type: 'nominal' as const } }),
        detail: { field: 'channel', type: 'nominal' },
      },
    },
    resolve: { scale: { x: 'independent' } },
  };
}
