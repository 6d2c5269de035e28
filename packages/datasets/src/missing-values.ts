import { DataError, OptionError } from '@aekit/core';

/** What a table's cells without a value become; see `resolveMissing`. */
export const MISSING_POLICIES = ['error', 'drop-rows', 'mean', 'zero'] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

/** Cells read as "no value" (compared trimmed and lower-cased): empty, NA, N/A, NaN, null, None, ?. */
const MISSING_MARKERS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

/** Whether a CSV cell holds no value. */
export const isMissingCell = (cell: string): boolean => MISSING_MARKERS.has(cell.trim().toLowerCase());

/** Where a table's values came from, for errors that name a row and a column. */
export interface TableSource {
  /** The file (or `CSV`). */
  readonly source: string;
  /** The names of the matrix's columns. */
  readonly columns: readonly string[];
  /** Each matrix column's index in the file (default: its position). */
  readonly indices?: readonly number[];
  /** The 1-based file line of each row. */
  readonly lines: Uint32Array;
}

export interface ResolvedMissing {
  /** The values, NaN cells filled (`zero`), kept (`mean`), or their rows left out (`drop-rows`). */
  readonly x: Float32Array;
  /** Rows kept by `drop-rows`, in order (absent: all of them). */
  readonly keep?: Uint32Array;
  readonly missingCells: number;
  readonly droppedRows: number;
}

const columnText = (where: TableSource, j: number) =>
  `column "${where.columns[j]}" (index ${where.indices?.[j] ?? j})`;

/**
 * Applies a missing-value policy to the NaN cells of `x` (rows of `width`): `error` throws a DataError
 * naming the first one's line and column, `drop-rows` leaves out the rows holding one, `zero` fills them
 * with 0, `mean` leaves them NaN for `fillMissing` with the training part's `columnMeans`. Whatever the
 * policy, a column without any value (an empty column) is a DataError naming it.
 */
export function resolveMissing(
  x: Float32Array,
  width: number,
  policy: MissingPolicy,
  where: TableSource,
): ResolvedMissing {
  const count = width > 0 ? x.length / width : 0;
  const present = new Uint32Array(width);
  let missingCells = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]!)) missingCells++;
    else present[i % width]!++;
  }
  if (count > 0) {
    const empty = present.indexOf(0);
    if (empty >= 0) {
      throw new DataError(
        'DATA_INVALID',
        `${where.source}: ${columnText(where, empty)} has no value in any of its ${count} rows (an empty column); fill it in or leave it out (--columns)`,
        { details: { file: where.source, column: where.columns[empty], actual: 'empty column' } },
      );
    }
  }
  if (missingCells === 0 || policy === 'mean') return { x, missingCells, droppedRows: 0 };
  if (policy === 'error') {
    const at = x.findIndex((v) => Number.isNaN(v));
    const row = Math.floor(at / width);
    const j = at % width;
    throw new DataError(
      'DATA_INVALID',
      `${where.source}:${where.lines[row]}: ${columnText(where, j)} has no value; fill it in, or choose a missing-value policy (--missing drop-rows, mean or zero)`,
      {
        details: { file: where.source, line: where.lines[row], column: where.columns[j], actual: 'missing' },
      },
    );
  }
  if (policy === 'zero') {
    return { x: x.map((v) => (Number.isNaN(v) ? 0 : v)), missingCells, droppedRows: 0 };
  }
  const kept: number[] = [];
  for (let r = 0; r < count; r++) {
    if (!x.subarray(r * width, (r + 1) * width).some((v) => Number.isNaN(v))) kept.push(r);
  }
  if (kept.length === 0) {
    throw new DataError(
      'DATA_INVALID',
      `${where.source}: every one of its ${count} rows has a missing value, so drop-rows leaves none; fill them in or choose --missing mean or zero`,
      { details: { file: where.source, actual: count } },
    );
  }
  const out = new Float32Array(kept.length * width);
  kept.forEach((r, k) => {
    out.set(x.subarray(r * width, (r + 1) * width), k * width);
  });
  return { x: out, keep: Uint32Array.from(kept), missingCells, droppedRows: count - kept.length };
}

/** Per-column means of the values of `x` (rows of `width`), NaN cells left out; a column without any is an error. */
export function columnMeans(x: Float32Array, width: number, where: Omit<TableSource, 'lines'>): Float64Array {
  if (!(Number.isInteger(width) && width > 0) || x.length % width !== 0) {
    throw new OptionError(`columnMeans: ${x.length} values is not a whole number of rows of ${width}`, {
      details: { expected: width, actual: x.length },
    });
  }
  const sum = new Float64Array(width);
  const n = new Float64Array(width);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    sum[i % width]! += v;
    n[i % width]!++;
  }
  const empty = n.indexOf(0);
  if (empty >= 0) {
    throw new DataError(
      'DATA_INVALID',
      `${where.source}: ${columnText({ ...where, lines: new Uint32Array() }, empty)} has no value in the training part, so it has no mean to fill its gaps with; fill it in or leave it out (--columns)`,
      { details: { file: where.source, column: where.columns[empty] } },
    );
  }
  return sum.map((s, j) => s / n[j]!);
}

/** `x` with each NaN cell replaced by its column's value in `values` (e.g. the training part's `columnMeans`). */
export function fillMissing(x: Float32Array, width: number, values: ArrayLike<number>): Float32Array {
  return x.map((v, i) => (Number.isNaN(v) ? values[i % width]! : v));
}
