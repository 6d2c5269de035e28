import { readFileSync } from 'node:fs';
import { DataError, OptionError } from '@aekit/core';

/** Numeric table: `count` rows of `featureCount` float32 features, row-major, and optional labels. */
export interface TabularData {
  readonly features: Float32Array;
  /** The label column, when one was chosen. */
  readonly labels?: Float32Array;
  /** Names of the feature columns (header names, or `column0`, `column1`...). */
  readonly columns: string[];
  /** Name of the label column, when one was chosen. */
  readonly labelColumn?: string;
  readonly count: number;
  readonly featureCount: number;
}

export interface CsvOptions {
  /** Column (name, or 0-based index) holding the label; it is left out of `features`. Negative counts from the end. */
  labelColumn?: string | number;
  /** Whether the first line holds column names. Default: yes when any of its cells is not a number. */
  hasHeader?: boolean;
  /** Default ','. */
  delimiter?: string;
  /** Lines to skip before the header/data (e.g. a metadata line). Default 0. */
  skipLines?: number;
}

const isNumber = (cell: string): boolean => cell.trim() !== '' && Number.isFinite(Number(cell));
/** Features are float32: a number beyond its range (about ±3.4e38) would turn into Infinity. */
const fitsFloat32 = (cell: string): boolean => Number.isFinite(Math.fround(Number(cell)));

/** Parses CSV text of numbers (no quoting) into a `TabularData`; `source` names it in errors. */
export function parseCsv(text: string, options: CsvOptions = {}, source = 'CSV'): TabularData {
  const delimiter = options.delimiter ?? ',';
  const lines = text.split(/\r?\n/);
  let lineIndex = options.skipLines ?? 0;
  // Skip blank lines before the first row.
  while (lineIndex < lines.length && lines[lineIndex]!.trim() === '') lineIndex++;
  if (lineIndex >= lines.length) {
    throw new DataError('DATA_INVALID', `${source}: no rows (expected a header or data lines, got none)`, {
      details: { file: source },
    });
  }
  const firstCells = lines[lineIndex]!.split(delimiter).map((c) => c.trim());
  const hasHeader = options.hasHeader ?? !firstCells.every(isNumber);
  const width = firstCells.length;
  const names = hasHeader ? firstCells : firstCells.map((_, i) => `column${i}`);
  if (hasHeader) lineIndex++;

  let labelIndex: number | undefined;
  if (options.labelColumn !== undefined) {
    const wanted = options.labelColumn;
    labelIndex = typeof wanted === 'number' ? (wanted < 0 ? width + wanted : wanted) : names.indexOf(wanted);
    if (labelIndex < 0 || labelIndex >= width || !Number.isInteger(labelIndex)) {
      throw new OptionError(
        `${source}: label column ${JSON.stringify(wanted)} not found; columns are ${names.join(', ')}`,
        { details: { expected: names, actual: wanted } },
      );
    }
  }
  const featureCount = labelIndex === undefined ? width : width - 1;
  const features: number[] = [];
  const labels: number[] = [];
  for (; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex]!;
    if (line.trim() === '') continue;
    const cells = line.split(delimiter);
    if (cells.length !== width) {
      throw new DataError(
        'DATA_INVALID',
        `${source}:${lineIndex + 1}: expected ${width} columns, got ${cells.length} (ragged row)`,
        { details: { file: source, line: lineIndex + 1, expected: width, actual: cells.length } },
      );
    }
    for (let j = 0; j < width; j++) {
      const cell = cells[j]!;
      if (!isNumber(cell)) {
        throw new DataError(
          'DATA_INVALID',
          `${source}:${lineIndex + 1}: column "${names[j]}" (index ${j}) holds ${JSON.stringify(cell)}, ` +
            'expected a number; fix or remove that row',
          {
            details: {
              file: source,
              line: lineIndex + 1,
              column: names[j],
              expected: 'number',
              actual: cell,
            },
          },
        );
      }
      if (!fitsFloat32(cell)) {
        throw new DataError(
          'DATA_INVALID',
          `${source}:${lineIndex + 1}: column "${names[j]}" (index ${j}) holds ${cell.trim()}, beyond the float32 range (±3.4e38); rescale that column`,
          { details: { file: source, line: lineIndex + 1, column: names[j], actual: cell } },
        );
      }
      if (j === labelIndex) labels.push(Number(cell));
      else features.push(Number(cell));
    }
  }
  const count = featureCount === 0 ? labels.length : features.length / featureCount;
  return {
    features: Float32Array.from(features),
    ...(labelIndex === undefined
      ? {}
      : { labels: Float32Array.from(labels), labelColumn: names[labelIndex] }),
    columns: names.filter((_, j) => j !== labelIndex),
    count,
    featureCount,
  };
}

/** Reads a CSV file of numbers; see `parseCsv`. Errors name the file, the line and the column. */
export function loadCsv(path: string, options: CsvOptions = {}): TabularData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DataError('DATA_NOT_FOUND', `cannot read CSV file ${path}: ${(cause as Error).message}`, {
      cause,
      details: { file: path },
    });
  }
  return parseCsv(text, options, path);
}

/** Per-column minimum and maximum of a table, and the scaling they define. */
export interface MinMaxScaler {
  readonly min: Float32Array;
  readonly max: Float32Array;
  /** (x - min) / (max - min) per column (0 for a constant column); `clip` keeps results in [0, 1]. */
  transform(features: Float32Array, options?: { clip?: boolean }): Float32Array;
}

/** Learns per-column min/max from `features` (`featureCount` columns). */
export function fitMinMax(features: Float32Array, featureCount: number): MinMaxScaler {
  if (!(Number.isInteger(featureCount) && featureCount > 0) || features.length % featureCount !== 0) {
    throw new OptionError(
      `fitMinMax: ${features.length} values is not a whole number of rows of ${featureCount} features`,
      { details: { expected: featureCount, actual: features.length } },
    );
  }
  const min = new Float32Array(featureCount).fill(Number.POSITIVE_INFINITY);
  const max = new Float32Array(featureCount).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < features.length; i++) {
    const j = i % featureCount;
    const v = features[i]!;
    if (v < min[j]!) min[j] = v;
    if (v > max[j]!) max[j] = v;
  }
  return {
    min,
    max,
    transform(x, options = {}) {
      if (x.length % featureCount !== 0) {
        throw new OptionError(
          `MinMaxScaler.transform: ${x.length} values is not a whole number of rows of ${featureCount} features`,
          { details: { expected: featureCount, actual: x.length } },
        );
      }
      const out = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const j = i % featureCount;
        const range = max[j]! - min[j]!;
        let v = range > 0 ? (x[i]! - min[j]!) / range : 0;
        if (options.clip) v = Math.min(1, Math.max(0, v));
        out[i] = v;
      }
      return out;
    },
  };
}

/**
 * Scales the features of `apply` to [0, 1] with the per-column min/max of `fitOn` (fit on the training rows,
 * apply to any split: values outside the training range fall outside [0, 1] unless `clip`).
 */
export function minMaxScale<T extends TabularData>(
  fitOn: TabularData,
  apply: T,
  options: { clip?: boolean } = {},
): T {
  if (fitOn.featureCount !== apply.featureCount) {
    throw new OptionError(
      `minMaxScale: fitted on ${fitOn.featureCount} features but asked to scale ${apply.featureCount}`,
      { details: { expected: fitOn.featureCount, actual: apply.featureCount } },
    );
  }
  const scaler = fitMinMax(fitOn.features, fitOn.featureCount);
  return { ...apply, features: scaler.transform(apply.features, options) };
}
