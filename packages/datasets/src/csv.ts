import { readFileSync } from 'node:fs';
import { DataError, OptionError } from '@aekit/core';
import { CsvError, parse } from 'csv-parse/sync';
import { isMissingCell, type MissingPolicy, resolveMissing } from './missing-values.js';

/** Numeric table: `count` rows of `featureCount` float32 features, row-major, and optional labels. */
export interface TabularData {
  readonly features: Float32Array;
  /** The label column, when one was chosen. */
  readonly labels?: Float32Array;
  /** Names of the feature columns (header names, or `column0`, `column1`...). */
  readonly columns: string[];
  /** Name of the label column, when one was chosen. */
  readonly labelColumn?: string;
  /** The label column's 0-based index among the file's columns, when one was chosen. */
  readonly labelIndex?: number;
  /**
   * A label column holding text (e.g. "benign" / "malignant"): its values in first-seen order; `labels` are
   * their indices (a row without a label: NaN). Absent when every label is a number (`labels` are those).
   */
  readonly labelNames?: string[];
  /** The id column's cells as text, one per row (kept rows only), when `idColumn` chose one. */
  readonly ids?: string[];
  /** Name of the id column, when one was chosen. */
  readonly idColumn?: string;
  /** The id column's 0-based index among the file's columns, when one was chosen. */
  readonly idIndex?: number;
  readonly count: number;
  readonly featureCount: number;
  /** The 1-based line of the file where each row starts (for errors that name a row). */
  readonly lines: Uint32Array;
  /** Cells without a value (empty, NA, NaN, null, ?) that the `missing` policy dropped or filled. */
  readonly missingCells: number;
  /** Rows left out by the `drop-rows` policy. */
  readonly droppedRows: number;
  /** Bad rows the `skipBad` option left out (a ragged row, text in a numeric column), in file order. */
  readonly skipped?: readonly BadRow[];
}

/** A row `skipBad` left out: its 1-based file line and why, e.g. `ragged: 5 of 6 fields`. */
export interface BadRow {
  readonly line: number;
  readonly reason: string;
}

export interface CsvOptions {
  /**
   * Column (name, or 0-based index, negative from the end; a string of digits that names no column is taken as
   * an index) holding the label; it is left out of `features`. Its cells may be numbers or text (class names,
   * mapped to 0, 1... in first-seen order: `labelNames`).
   */
  labelColumn?: string | number;
  /**
   * Column (name, or 0-based index; a string of digits that names no column is taken as an index) holding
   * row ids: its cells are kept as text in `ids`, never read as numbers, and left out of `features`.
   */
  idColumn?: string | number;
  /** Whether the first line holds column names. Default: yes when any of its cells is not a number. */
  hasHeader?: boolean;
  /** Default ','. */
  delimiter?: string;
  /** Lines to skip before the header/data (e.g. a metadata line). Default 0. */
  skipLines?: number;
  /**
   * What a cell without a value means: `error` (the default: an error naming its row and column),
   * `drop-rows` (rows holding one are left out), `zero`, or `mean` (left NaN: fill them with `fillMissing`
   * from the `columnMeans` of the training part, so the test part never informs them), or `keep` (left NaN
   * without any check: for a caller that picks columns first and then calls `resolveMissing` on them).
   */
  missing?: MissingPolicy | 'keep';
  /**
   * Leave out bad rows (a ragged row, text in a numeric column, a number beyond float32) and list them in
   * `skipped`, instead of a DataError naming the first. Default false.
   */
  skipBad?: boolean;
  /**
   * The columns read as numbers (names, or 0-based indices, negative from the end), besides the label: the
   * cells of every other column are not read (a column of text you do not use): 0 in `features`, never an
   * error. Default: every column. Names that match no column are left to the caller to report.
   */
  readColumns?: readonly (string | number)[];
}

const isNumber = (cell: string): boolean => cell.trim() !== '' && Number.isFinite(Number(cell));
/** Features are float32: a number beyond its range (about ±3.4e38) would turn into Infinity. */
const fitsFloat32 = (cell: string): boolean => Number.isFinite(Math.fround(Number(cell)));

/** A record of the file: its cells and the 1-based line where it starts. */
interface CsvRecord {
  cells: string[];
  line: number;
}

/**
 * The records of `text` through csv-parse (RFC 4180: quoted fields holding delimiters, newlines and doubled
 * quotes; a BOM; CRLF), blank lines left out; a malformed quote is a DataError naming its line.
 */
function records(text: string, delimiter: string, skipLines: number, source: string): CsvRecord[] {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      delimiter,
      from_line: skipLines + 1,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as unknown as typeof parsed;
  } catch (cause) {
    const line = cause instanceof CsvError ? (cause as CsvError & { lines?: number }).lines : undefined;
    const reason = (cause as Error).message.replace(/^[\w ]+: /, '').replace(/ at line \d+/, '');
    throw new DataError(
      'DATA_INVALID',
      `${source}${line ? `:${line}` : ''}: not valid CSV (${reason}); quote a field holding the delimiter, a newline or a quote as "...", with "" for a quote inside`,
      { cause, details: { file: source, ...(line && { line }) } },
    );
  }
  return parsed
    .filter(({ record }) => !(record.length === 1 && record[0] === ''))
    .map(({ record, info }) => ({
      cells: record,
      // csv-parse counts the line where a record ends; a quoted newline moves its start up.
      line: info.lines - record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0),
    }));
}

/** The index of column `wanted` (a name, or a 0-based index, negative from the end) or an OptionError listing them. */
function columnAt(names: readonly string[], wanted: string | number, what: string, source: string): number {
  const i =
    typeof wanted === 'number' ? (wanted < 0 ? names.length + wanted : wanted) : names.indexOf(wanted);
  if (i < 0 || i >= names.length || !Number.isInteger(i)) {
    throw new OptionError(
      `${source}: ${what} column ${JSON.stringify(wanted)} not found; its columns are ${names.join(', ')}`,
      { details: { expected: names, actual: wanted } },
    );
  }
  return i;
}

/**
 * The id or label column: by name, else a string of digits as an index (so "0" names the first column of a
 * header-less file).
 */
function textColumnAt(
  names: readonly string[],
  wanted: string | number,
  what: 'id' | 'label',
  source: string,
): number {
  if (typeof wanted === 'string' && !names.includes(wanted) && /^-?\d+$/.test(wanted)) {
    return columnAt(names, Number(wanted), what, source);
  }
  return columnAt(names, wanted, what, source);
}

/** A column given by index (a number, or a string of digits) in a row of `width` cells, else -1. */
function indexGiven(wanted: string | number | undefined, width: number): number {
  if (wanted === undefined || !/^-?\d+$/.test(String(wanted))) return -1;
  const i = Number(wanted);
  return i < 0 ? width + i : i;
}

/** The columns `readColumns` leaves unread (none without it); the label is always read. */
function unreadColumns(
  names: readonly string[],
  readColumns: readonly (string | number)[] | undefined,
  labelIndex: number | undefined,
): Set<number> {
  if (readColumns === undefined) return new Set();
  const read = new Set<number>(labelIndex === undefined ? [] : [labelIndex]);
  for (const c of readColumns) {
    const byName = typeof c === 'string' ? names.indexOf(c) : -1;
    read.add(byName >= 0 ? byName : indexGiven(c, names.length));
  }
  return new Set(names.map((_, j) => j).filter((j) => !read.has(j)));
}

/**
 * A column (not exempt) holding text in every row (of two or more) is not a column of bad rows: one DataError naming it and the
 * options that leave it out, even under skipBad (which would otherwise drop every row).
 */
function rejectTextColumns(
  data: readonly CsvRecord[],
  names: readonly string[],
  exempt: (j: number) => boolean,
  source: string,
): void {
  // One row of text is a bad row (its line named), not yet a column of text.
  if (data.length < 2) return;
  const first = data[0]!.cells;
  for (let j = 0; j < names.length; j++) {
    const cell = first[j];
    if (exempt(j) || cell === undefined || isMissingCell(cell) || isNumber(cell)) continue;
    const text = (r: CsvRecord) =>
      r.cells[j] === undefined || (!isMissingCell(r.cells[j]!) && !isNumber(r.cells[j]!));
    if (data.every(text)) {
      throw new DataError(
        'DATA_INVALID',
        `${source}: column "${names[j]}" (index ${j}) holds text in every row (${JSON.stringify(cell)}...); choose the numeric columns with the readColumns option, or make it the id column (the idColumn option)`,
        { details: { file: source, column: names[j], expected: 'number', actual: cell } },
      );
    }
  }
}

/** The fix a bad-row error ends with: the row itself, or the skipBad option that leaves such rows out. */
const BAD_ROW_FIX = 'fix or remove that row, or leave bad rows out with the skipBad option';

/**
 * Parses CSV text of numbers into a `TabularData`; `source` names the file in errors: a ragged row, text in a
 * numeric column, a value beyond float32 (each left out and listed instead under `skipBad`), an empty column
 * and (by default) a missing value each name the line and column. The label column may hold class names.
 */
export function parseCsv(text: string, options: CsvOptions = {}, source = 'CSV'): TabularData {
  const rows = records(text, options.delimiter ?? ',', options.skipLines ?? 0, source);
  if (rows.length === 0) {
    throw new DataError('DATA_INVALID', `${source}: no rows (expected a header or data lines, got none)`, {
      details: { file: source },
    });
  }
  const first = rows[0]!.cells;
  // An id or label column given by index may hold text in every row: it does not make the first line a header.
  const textAt = [indexGiven(options.idColumn, first.length), indexGiven(options.labelColumn, first.length)];
  const hasHeader = options.hasHeader ?? !first.every((c, j) => textAt.includes(j) || isNumber(c));
  const width = first.length;
  const names = hasHeader ? first : first.map((_, i) => `column${i}`);
  const data = hasHeader ? rows.slice(1) : rows;

  const labelIndex =
    options.labelColumn === undefined ? undefined : textColumnAt(names, options.labelColumn, 'label', source);
  const idIndex =
    options.idColumn === undefined ? undefined : textColumnAt(names, options.idColumn, 'id', source);
  if (idIndex !== undefined && idIndex === labelIndex) {
    throw new OptionError(
      `${source}: column "${names[idIndex]}" is asked for as both the label and the id column; choose one`,
      { details: { actual: names[idIndex] } },
    );
  }
  const unread = unreadColumns(names, options.readColumns, labelIndex);
  rejectTextColumns(data, names, (j) => j === idIndex || j === labelIndex || unread.has(j), source);
  const allRows = new Float32Array(data.length * width);
  const allLines = new Uint32Array(data.length);
  const allIds: string[] = [];
  const labelCells: string[] = [];
  const skipped: BadRow[] = [];
  /** A bad row: left out under `skipBad` (true), else the error. */
  const bad = (line: number, reason: string, error: () => DataError): true => {
    if (!options.skipBad) throw error();
    skipped.push({ line, reason });
    return true;
  };
  /** Why row `cells` (at `line`) is bad, or undefined; its values go to `row`. */
  const read = (cells: string[], line: number, row: Float32Array): true | undefined => {
    if (cells.length !== width) {
      return bad(
        line,
        `ragged: ${cells.length} of ${width} fields`,
        () =>
          new DataError(
            'DATA_INVALID',
            `${source}:${line}: expected ${width} columns, got ${cells.length} (ragged row); ${BAD_ROW_FIX}`,
            { details: { file: source, line, expected: width, actual: cells.length } },
          ),
      );
    }
    for (let j = 0; j < width; j++) {
      const cell = cells[j]!;
      if (j === idIndex || unread.has(j)) {
        row[j] = 0;
        continue;
      }
      if (isMissingCell(cell)) {
        row[j] = Number.NaN;
        continue;
      }
      if (!isNumber(cell)) {
        // A label may be text: mapped to its class index below.
        if (j === labelIndex) continue;
        return bad(
          line,
          `column "${names[j]}": ${JSON.stringify(cell)} is not a number`,
          () =>
            new DataError(
              'DATA_INVALID',
              `${source}:${line}: column "${names[j]}" (index ${j}) holds ${JSON.stringify(cell)}, expected a number; ${BAD_ROW_FIX}`,
              { details: { file: source, line, column: names[j], expected: 'number', actual: cell } },
            ),
        );
      }
      if (!fitsFloat32(cell)) {
        return bad(
          line,
          `column "${names[j]}": ${cell} is beyond float32`,
          () =>
            new DataError(
              'DATA_INVALID',
              `${source}:${line}: column "${names[j]}" (index ${j}) holds ${cell}, beyond the float32 range (±3.4e38); rescale that column, or leave bad rows out with the skipBad option`,
              { details: { file: source, line, column: names[j], actual: cell } },
            ),
        );
      }
      row[j] = Number(cell);
    }
    return undefined;
  };
  let n = 0;
  for (const { cells, line } of data) {
    if (read(cells, line, allRows.subarray(n * width, (n + 1) * width))) continue;
    allLines[n++] = line;
    if (idIndex !== undefined) allIds.push(cells[idIndex]!);
    if (labelIndex !== undefined) labelCells.push(cells[labelIndex]!);
  }
  const all = allRows.subarray(0, n * width);
  const lines = allLines.subarray(0, n);
  // A label column holding any text is a column of class names: 0, 1... in first-seen order.
  const textLabels = labelIndex !== undefined && labelCells.some((c) => !isMissingCell(c) && !isNumber(c));
  const labelNames: string[] = [];
  if (textLabels) {
    const codes = new Map<string, number>();
    labelCells.forEach((cell, i) => {
      let code = Number.NaN;
      if (!isMissingCell(cell)) {
        code = codes.get(cell) ?? codes.size;
        if (code === codes.size) {
          codes.set(cell, code);
          labelNames.push(cell);
        }
      }
      all[i * width + labelIndex!] = code;
    });
  }
  const policy = options.missing ?? 'error';
  const where = { source, columns: names, lines };
  if (labelIndex !== undefined && policy !== 'keep' && policy !== 'drop-rows') {
    // A label cannot be filled in: a row without one is an error unless its row is dropped.
    const label = labelIndex;
    resolveMissing(
      all.filter((_, i) => i % width === label),
      1,
      'error',
      { ...where, columns: [names[label]!], indices: [label] },
    );
  }
  const resolved =
    policy === 'keep'
      ? { x: all, missingCells: 0, droppedRows: 0 }
      : resolveMissing(all, width, policy, where);
  const x = resolved.x;
  const count = x.length / Math.max(1, width);
  const keptLines = resolved.keep ? resolved.keep.map((r) => lines[r]!) : lines;
  const featureCount = width - (labelIndex === undefined ? 0 : 1) - (idIndex === undefined ? 0 : 1);
  const features = new Float32Array(count * featureCount);
  const labels = labelIndex === undefined ? undefined : new Float32Array(count);
  for (let i = 0, f = 0; i < count; i++) {
    for (let j = 0; j < width; j++) {
      if (j === labelIndex) labels![i] = x[i * width + j]!;
      else if (j !== idIndex) features[f++] = x[i * width + j]!;
    }
  }
  const ids = resolved.keep ? Array.from(resolved.keep, (r) => allIds[r]!) : allIds;
  return {
    features,
    ...(labels &&
      labelIndex !== undefined && {
        labels,
        labelColumn: names[labelIndex],
        labelIndex,
        ...(textLabels && { labelNames }),
      }),
    ...(idIndex !== undefined && { ids, idColumn: names[idIndex], idIndex }),
    columns: names.filter((_, j) => j !== labelIndex && j !== idIndex),
    count,
    featureCount,
    lines: keptLines,
    missingCells: resolved.missingCells,
    droppedRows: resolved.droppedRows,
    ...(options.skipBad && { skipped }),
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
