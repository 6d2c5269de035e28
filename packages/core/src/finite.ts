import { DataError } from './errors.js';

/** Positions reported in the message (the count covers all of them). */
const SHOWN = 3;

export interface FiniteCheckOptions {
  /** Values per sample: positions are then named as sample and feature. */
  sampleSize?: number;
  /** What to do, appended to the message. Default: remove or repair those values. */
  fix?: string;
  /** Added to every reported index (a chunk of a larger array). Default 0. */
  offset?: number;
}

function position(index: number, sampleSize: number | undefined): string {
  if (sampleSize === undefined || sampleSize <= 1) return `index ${index}`;
  return `index ${index} (sample ${Math.floor(index / sampleSize)}, value ${index % sampleSize})`;
}

/**
 * Throws a `DataError` (code `DATA_INVALID`) when `values` hold NaN or ±Infinity, naming how many of how many
 * values are not finite, the first few positions and `fix`. Every metric, threshold, ranking and detector of
 * `@aekit/eval` checks its inputs with it: a NaN never turns into a silent NaN score, a wrong ranking or a hang.
 */
export function requireFinite(
  values: ArrayLike<number>,
  what: string,
  options: FiniteCheckOptions = {},
): void {
  let count = 0;
  const first: number[] = [];
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    // v - v is 0 for every finite number and NaN for NaN and ±Infinity: one comparison in the common case.
    if (v - v !== 0) {
      count++;
      if (Number.isNaN(v)) nan++;
      if (first.length < SHOWN) first.push(i + (options.offset ?? 0));
    }
  }
  if (count === 0) return;
  const where = first.map((i) => position(i, options.sampleSize)).join(', ');
  const more = count > first.length ? ` and ${count - first.length} more` : '';
  const kinds = nan === count ? 'NaN' : nan === 0 ? '±Infinity' : `${nan} NaN, ${count - nan} ±Infinity`;
  throw new DataError(
    'DATA_INVALID',
    `${what}: ${count} of ${values.length} values are not finite (${kinds}), at ${where}${more}; ${options.fix ?? 'remove or repair those values (NaN or ±Infinity)'}.`,
    { details: { nonFinite: count, total: values.length, nan, first } },
  );
}
