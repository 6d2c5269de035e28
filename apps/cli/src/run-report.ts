import { join } from 'node:path';
import { gatherRows, type Scaler, unscaleValues } from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';

/** The pictures a `--data` run writes beside its checkpoint: per-feature errors (tables), test windows (series). */
export const FEATURE_ERRORS_PNG = 'feature-errors.png';
export const SERIES_PNG = 'series.png';

/** Test windows drawn in `series.png`, evenly spaced over the test part. */
export const SERIES_WINDOWS_SHOWN = 4;

/**
 * `feature-errors.png`: each feature's test MSE (in the model's scaled units, as the run's test MSE) with
 * ±1 standard error over the test rows. Returns the file written.
 */
export async function writeFeatureErrors(
  out: string,
  test: Float32Array,
  reconstruction: Float32Array,
  columns: readonly string[],
): Promise<string> {
  // Loaded here: the report entry brings the plotting stack (vega, resvg), which training needs only now.
  const { featureErrorSpec, featureErrors, renderSvg, svgToPng } = await import('@aekit/eval/report');
  const errors = featureErrors(test, reconstruction, columns);
  const svg = await renderSvg(
    featureErrorSpec(errors, `Test MSE per feature (${test.length / columns.length} rows)`),
  );
  const file = join(out, FEATURE_ERRORS_PNG);
  await writeFileAtomic(file, svgToPng(svg));
  return file;
}

/**
 * `series.png`: original vs reconstruction of a few test windows, evenly spaced, in raw units (the scaler
 * undone), each labelled with its start step in the series. Returns the file written.
 */
export async function writeSeriesWindows(
  out: string,
  model: { reconstruct(x: Float32Array): Promise<Float32Array> },
  test: Float32Array,
  sampleShape: readonly number[],
  ids: Uint32Array | undefined,
  scaler: Scaler | undefined,
  channels: readonly string[],
): Promise<string> {
  const { renderSvg, seriesReconstructionSpec, svgToPng } = await import('@aekit/eval/report');
  const size = sampleShape[0]! * sampleShape[1]!;
  const count = test.length / size;
  const shown = Math.min(SERIES_WINDOWS_SHOWN, count);
  const picks = Uint32Array.from({ length: shown }, (_, k) =>
    shown === 1 ? 0 : Math.round((k * (count - 1)) / (shown - 1)),
  );
  const x = gatherRows(test, size, picks);
  const y = await model.reconstruct(x);
  const raw = (v: Float32Array) => (scaler ? unscaleValues(scaler, v) : v);
  const [original, reconstruction] = [raw(x), raw(y)];
  const windows = Array.from(picks, (p, k) => ({
    start: ids?.[p] ?? p,
    original: original.subarray(k * size, (k + 1) * size),
    reconstruction: reconstruction.subarray(k * size, (k + 1) * size),
  }));
  const svg = await renderSvg(
    seriesReconstructionSpec(
      windows,
      channels,
      `Test windows: original vs reconstruction${scaler ? ' (raw units)' : ''}`,
    ),
  );
  const file = join(out, SERIES_PNG);
  await writeFileAtomic(file, svgToPng(svg));
  return file;
}
