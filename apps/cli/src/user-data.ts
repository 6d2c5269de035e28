import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { AekitError, DataError, gatherRows, OptionError, requireFinite, shapeSize } from '@aekit/core';
import {
  type BadRow,
  columnMeans,
  fillMissing,
  formatNpyShape,
  type NpyArray,
  parseCsv,
  readNpy,
  readNpz,
  resolveMissing,
  shuffledIndices,
  type TabularData,
} from '@aekit/datasets';
import { readImages } from './image-data.js';
import type { TableOptions, UserData } from './user-data-types.js';

export { DEFAULT_CHANNELS, DEFAULT_IMAGE_SIZE } from './image-data.js';
export type { TableOptions, UserData } from './user-data-types.js';

/** File kinds `--data` reads. */
const TABLE_EXTENSIONS = new Set(['.csv', '.tsv']);

async function readBytes(file: string, flag: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new DataError('DATA_NOT_FOUND', `${flag} ${file}: cannot read it (${(cause as Error).message})`, {
      cause,
      details: { file },
    });
  }
}

/** A column of `names` by name or 0-based index (negative from the end), or an OptionError listing them. */
function columnIndex(names: readonly string[], wanted: string, flag: string, file: string): number {
  const byName = names.indexOf(wanted);
  if (byName >= 0) return byName;
  if (/^-?\d+$/.test(wanted)) {
    const i = Number(wanted) < 0 ? names.length + Number(wanted) : Number(wanted);
    if (i >= 0 && i < names.length) return i;
  }
  throw new OptionError(
    `${flag} ${JSON.stringify(wanted)}: ${file} has no such column; its columns are ${names.join(', ')} (or 0-based indices below ${names.length})`,
    { details: { option: flag, expected: names, actual: wanted } },
  );
}

/**
 * `parseCsv`, with an unknown `--id-column` / `--label-column` named as the flag that chose it and a bad row's
 * fix naming `--skip-bad`.
 */
function parseTable(text: string, options: TableOptions, file: string): TabularData {
  const delimiter = extname(file).toLowerCase() === '.tsv' ? '\t' : ',';
  try {
    return parseCsv(
      text,
      {
        delimiter,
        skipLines: options.skipLines ?? 0,
        missing: 'keep',
        ...(options.idColumn !== undefined && { idColumn: options.idColumn }),
        ...(options.labelColumn !== undefined && { labelColumn: options.labelColumn }),
        ...(options.skipBad && { skipBad: true }),
        ...(options.columns && { readColumns: options.columns }),
      },
      file,
    );
  } catch (e) {
    if (!AekitError.isInstance(e)) throw e;
    const details = e.details as { expected?: string[]; actual?: unknown };
    for (const [flag, wanted] of [
      ['--id-column', options.idColumn],
      ['--label-column', options.labelColumn],
    ] as const) {
      if (e.code === 'OPTION_INVALID' && wanted !== undefined && String(details?.actual) === wanted) {
        const names = details.expected ?? [];
        throw new OptionError(
          `${flag} ${JSON.stringify(wanted)}: ${file} has no such column; its columns are ${names.join(', ')} (or 0-based indices below ${names.length})`,
          { details: { option: flag, expected: names, actual: wanted } },
        );
      }
    }
    if (e.code === 'OPTION_INVALID' && /both the label and the id column/.test(e.message)) {
      throw new OptionError(
        `--label-column ${JSON.stringify(options.labelColumn)} names the id column (--id-column ${JSON.stringify(options.idColumn)}); ids are kept out of the features and labels: choose another column`,
        { cause: e, details: { option: '--label-column', actual: options.labelColumn } },
      );
    }
    if (/the (skipBad|readColumns|idColumn) option/.test(e.message)) {
      const message = e.message
        .replace('the skipBad option', '--skip-bad')
        .replace('with the readColumns option', 'with --columns')
        .replace(' (the idColumn option)', ' with --id-column');
      throw new DataError('DATA_INVALID', message, { cause: e, details: e.details });
    }
    throw e;
  }
}

async function readTable(file: string, options: TableOptions, flag: string): Promise<UserData> {
  const text = new TextDecoder().decode(await readBytes(file, flag));
  // Every column first (a non-numeric value is a DataError naming the line and the column, or its row left
  // out under --skip-bad; the id column's cells are text, the label's may be); gaps are NaN until the
  // missing-value policy sees the columns chosen.
  const all = parseTable(text, options, file);
  // Columns are chosen among the file's (the id and label columns included, so indices count every column);
  // `at` maps a file column to its place among the parsed feature ones.
  const idAt = all.idIndex;
  const apart = (
    [
      [all.idIndex, all.idColumn],
      [all.labelIndex, all.labelColumn],
    ] as const
  )
    .filter((c): c is readonly [number, string] => c[0] !== undefined)
    .sort((a, b) => a[0] - b[0]);
  const names = [...all.columns];
  for (const [j, name] of apart) names.splice(j, 0, name);
  const at = (j: number): number => j - apart.filter(([i]) => i < j).length;
  const notId = (j: number, f: string): number => {
    if (j === idAt) {
      throw new OptionError(
        `${f} names the id column "${names[j]}" (--id-column); ids are kept out of the features and labels: choose another column`,
        { details: { option: f, actual: names[j] } },
      );
    }
    return j;
  };
  const label =
    options.labelColumn === undefined
      ? undefined
      : notId(columnIndex(names, options.labelColumn, '--label-column', file), '--label-column');
  const picked =
    options.columns?.map((c) => notId(columnIndex(names, c, '--columns', file), '--columns')) ??
    names.map((_, j) => j).filter((j) => j !== idAt);
  const features = picked.filter((j) => j !== label);
  if (options.columns && label !== undefined && picked.includes(label)) {
    throw new OptionError(
      `--columns names the label column "${names[label]}"; the label is kept out of the features: drop it from --columns`,
      { details: { option: '--columns', actual: names[label] } },
    );
  }
  if (features.length === 0) {
    throw new OptionError(
      `${file}: no feature columns left (columns ${names.join(', ')}); choose some with --columns`,
      {
        details: { option: '--columns' },
      },
    );
  }
  const width = all.featureCount;
  const bad = all.skipped ?? [];
  if (all.count === 0) {
    throw new DataError(
      'DATA_INVALID',
      bad.length > 0
        ? `${file}: every one of its ${bad.length} rows is bad (${badRowsText(bad)}); fix them`
        : `${file}: a header but no rows; add data rows`,
      { details: { file } },
    );
  }
  // The chosen columns, the label last, through the missing-value policy (a label is never filled in).
  const kept = label === undefined ? features : [...features, label];
  const matrix = new Float32Array(all.count * kept.length);
  for (let i = 0; i < all.count; i++) {
    kept.forEach((j, k) => {
      matrix[i * kept.length + k] = j === label ? all.labels![i]! : all.features[i * width + at(j)]!;
    });
  }
  const policy = options.missing ?? 'error';
  const where = { source: file, columns: kept.map((j) => names[j]!), indices: kept, lines: all.lines };
  if (label !== undefined && policy !== 'drop-rows') {
    const at = kept.length - 1;
    resolveMissing(
      matrix.filter((_, i) => i % kept.length === at),
      1,
      'error',
      { ...where, columns: [names[label]!], indices: [label] },
    );
  }
  const resolved = resolveMissing(matrix, kept.length, policy, where);
  const positions = rowPositions(all.lines, bad, resolved.keep);
  const count = resolved.x.length / kept.length;
  const x = new Float32Array(count * features.length);
  const labels = label === undefined ? undefined : new Float32Array(count);
  for (let i = 0; i < count; i++) {
    x.set(resolved.x.subarray(i * kept.length, i * kept.length + features.length), i * features.length);
    if (labels) labels[i] = resolved.x[i * kept.length + features.length]!;
  }
  return {
    kind: 'table',
    x,
    sampleShape: [features.length],
    count,
    columns: features.map((j) => names[j]!),
    file,
    ...(labels && { labels }),
    ...(labels && all.labelNames && { labelNames: all.labelNames }),
    ...(all.skipped && { skippedRows: all.skipped }),
    ...(positions && { steps: positions }),
    ...(all.ids && { rowIds: resolved.keep ? Array.from(resolved.keep, (r) => all.ids![r]!) : all.ids }),
    ...(resolved.missingCells > 0 && {
      missing: { cells: resolved.missingCells, droppedRows: resolved.droppedRows },
    }),
  };
}

/**
 * Each row kept (of the parsed rows at file `lines`, then `keep` of those) as its 0-based position among the
 * file's data rows, the `skipped` ones included; undefined when no row was left out.
 */
function rowPositions(
  lines: Uint32Array,
  skipped: readonly BadRow[],
  keep: Uint32Array | undefined,
): Uint32Array | undefined {
  if (skipped.length === 0 && (keep === undefined || keep.length === lines.length)) return undefined;
  const positions = new Uint32Array(lines.length);
  let before = 0;
  for (let i = 0; i < lines.length; i++) {
    while (before < skipped.length && skipped[before]!.line < lines[i]!) before++;
    positions[i] = i + before;
  }
  return keep === undefined ? positions : Uint32Array.from(keep, (r) => positions[r]!);
}

/** At most this many bad rows are named in a summary (`badRowsText`). */
const BAD_ROWS_NAMED = 3;

/** Bad rows `--skip-bad` left out, for a summary: the first few by line and reason, then how many more. */
export function badRowsText(rows: readonly BadRow[]): string {
  const named = rows.slice(0, BAD_ROWS_NAMED).map((r) => `line ${r.line} (${r.reason})`);
  const more = rows.length - named.length;
  return named.join(', ') + (more > 0 ? `, and ${more} more` : '');
}

/**
 * The training part's means per column of a table, per channel of a series' windows (the last axis), NaN
 * cells left out: what `--missing mean` fills gaps with, kept in the checkpoint for `run`, `compare`, `eval`.
 */
export function trainingMeans(train: UserData): number[] {
  const width = train.sampleShape[train.sampleShape.length - 1]!;
  return Array.from(columnMeans(train.x, width, { source: train.file, columns: train.columns ?? [] }));
}

/**
 * `--missing mean`: the NaN cells of both parts filled with the training part's column means (`fitted`: those
 * a run stored), so nothing of the test part informs them. Parts without gaps come back as they are.
 */
export function fillFromTraining(
  train: UserData,
  test: UserData,
  fitted?: ArrayLike<number>,
): { train: UserData; test: UserData } {
  if (!train.x.some(Number.isNaN) && !test.x.some(Number.isNaN)) return { train, test };
  const width = train.sampleShape[train.sampleShape.length - 1]!;
  const means = fitted ?? trainingMeans(train);
  return {
    train: { ...train, x: fillMissing(train.x, width, means) },
    test: { ...test, x: fillMissing(test.x, width, means) },
  };
}

/** The array of a .npz archive that `--array` names, or its only one; several without `--array` is an error. */
function pickArray(arrays: Map<string, NpyArray>, wanted: string | undefined, file: string): NpyArray {
  const names = [...arrays.keys()];
  if (wanted !== undefined) {
    const found = arrays.get(wanted);
    if (found) return found;
    throw new OptionError(
      `--array ${JSON.stringify(wanted)}: ${file} has no such array; its arrays are ${names.join(', ') || '(none)'}`,
      { details: { option: '--array', expected: names, actual: wanted } },
    );
  }
  if (names.length === 1) return arrays.get(names[0]!)!;
  throw new OptionError(
    names.length === 0
      ? `${file} holds no arrays; save some with numpy.savez`
      : `${file} holds ${names.length} arrays (${names.map((n) => `${n} ${formatNpyShape(arrays.get(n)!.shape)}`).join(', ')}); choose one with --array <name>`,
    { details: { option: '--array', expected: names } },
  );
}

async function readArray(file: string, options: TableOptions, flag: string): Promise<UserData> {
  const bytes = await readBytes(file, flag);
  const npy =
    extname(file).toLowerCase() === '.npz'
      ? pickArray(readNpz(bytes, file), options.array, file)
      : readNpy(bytes, file);
  if (npy.shape.length === 0 || npy.shape[0] === 0) {
    throw new DataError(
      'DATA_INVALID',
      `${file} holds ${npy.shape.length === 0 ? 'a single number' : 'no samples'} (shape ${formatNpyShape(npy.shape)}); pass an array of shape (n, ...one sample)`,
      { details: { file, actual: npy.shape } },
    );
  }
  const x = Float32Array.from(npy.data as ArrayLike<number>);
  requireFinite(x, file, { fix: 'fix the array (NaN, ±Infinity or numbers beyond float32)' });
  const sampleShape = npy.shape.length === 1 ? [1] : npy.shape.slice(1);
  return { kind: 'array', x, sampleShape, count: npy.shape[0]!, file };
}

/** Reads `--data` / `--test-data`: a CSV/TSV table, a .npy array or a folder of PNG/JPEG images. */
export async function loadUserData(file: string, options: TableOptions, flag = '--data'): Promise<UserData> {
  let isDir = false;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    // readBytes names the file.
  }
  const ext = extname(file).toLowerCase();
  if (isDir) return readImages(file, options, flag);
  if (TABLE_EXTENSIONS.has(ext)) return readTable(file, options, flag);
  if (ext === '.npy' || ext === '.npz') return readArray(file, options, flag);
  throw new OptionError(
    `${flag} ${file}: unknown kind "${ext || '(no extension)'}"; pass a .csv, .tsv, .npy or .npz file, or a folder of images`,
    {
      details: { option: flag, actual: file },
    },
  );
}

/**
 * `test` with its class-name labels numbered as `train` numbers them (names `train` lacks numbered after its
 * own), so a name means one number in both parts; unchanged when either part's labels are numbers.
 */
export function alignLabels(train: UserData, test: UserData): UserData {
  if (!train.labelNames || !test.labelNames || !test.labels) return test;
  const names = [...train.labelNames];
  for (const n of test.labelNames) if (!names.includes(n)) names.push(n);
  const code = test.labelNames.map((n) => names.indexOf(n));
  return {
    ...test,
    labels: test.labels.map((l) => (Number.isNaN(l) ? l : code[l]!)),
    labelNames: names,
  };
}

/** `data` with only the samples at `indices`, in that order. */
export function selectRows(data: UserData, indices: Uint32Array): UserData {
  const size = shapeSize(data.sampleShape);
  return {
    ...data,
    x: gatherRows(data.x, size, indices),
    count: indices.length,
    ...(data.labels && { labels: gatherRows(data.labels, 1, indices) }),
    ...(data.rowIds && { rowIds: Array.from(indices, (i) => data.rowIds![i]!) }),
    ...(data.steps && { steps: Uint32Array.from(indices, (i) => data.steps![i]!) }),
  };
}

/** A seeded held-out split: `fraction` of the samples (at least one) for the test, the rest to train on. */
export function holdOut(data: UserData, fraction: number, seed: number): { train: UserData; test: UserData } {
  const nTest = Math.max(1, Math.round(data.count * fraction));
  if (data.count - nTest < 2) {
    throw new OptionError(
      `${data.file} holds ${data.count} samples: too few to hold out ${nTest} for the test; pass more data or --test-data`,
      { details: { option: '--test-fraction', actual: fraction } },
    );
  }
  const order = shuffledIndices(data.count, seed);
  return { test: selectRows(data, order.subarray(0, nTest)), train: selectRows(data, order.subarray(nTest)) };
}
