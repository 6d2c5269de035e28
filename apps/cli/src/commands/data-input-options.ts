import { formatShape } from '@aekit/core';
import { MISSING_POLICIES, type MissingPolicy } from '@aekit/datasets';
import { Option } from 'commander';
import { applyMissingFill, type MissingFill } from '../missing-fill.js';
import { choiceOption, intOption } from '../parse-options.js';
import { loadSamples, seriesOptionsOf } from '../series-data.js';
import { badRowsText, type TableOptions } from '../user-data.js';

/** How a command that takes raw samples reads a table, a .npz or a series, as `aekit train --data` does. */
export interface DataInputOptions {
  columns?: string[];
  labelColumn?: string;
  idColumn?: string;
  skipLines?: number;
  /** A table input: leave out its ragged rows and rows with text in a numeric column (said in `notes`). */
  skipBad?: boolean;
  /** Default: the model's own policy (what it was trained with), else `error`. */
  missing?: MissingPolicy;
  array?: string;
  window?: number;
  stride?: number;
}

/** The options of `DataInputOptions`, for a command's definition (`--input` names the files they read). */
export function dataInputOptions(): Option[] {
  return [
    new Option(
      '--columns <list>',
      'a table input: feature columns, comma-separated names or 0-based indices, as the run was trained on (default: all but --label-column)',
    ).argParser((v: string) => v.split(',').map((c) => c.trim())),
    new Option('--label-column <column>', 'a table input: the label or id column, kept out of the features'),
    new Option(
      '--id-column <column>',
      'a table input: a column of row ids (text is fine), kept out of the features',
    ),
    new Option('--skip-lines <n>', 'a table input: lines before its header or first row').argParser(
      intOption('--skip-lines', 0),
    ),
    new Option(
      '--missing <policy>',
      "a table input's cells without a value: error, drop-rows, mean (the training means the model was exported with) or zero (default: the policy the model was trained with, else error)",
    ).argParser(choiceOption('--missing', MISSING_POLICIES)),
    new Option(
      '--skip-bad',
      'a table input: leave out ragged rows and rows with text in a numeric column (named in the output), instead of exit 1',
    ),
    new Option('--array <name>', 'a .npz input: the array to read, when it holds several'),
    new Option(
      '--window <steps>',
      "cut a series input (a table's rows or a .npy of shape (T) or (T, C)) into windows of this many steps, as the run was trained",
    ).argParser(intOption('--window', 1)),
    new Option('--stride <steps>', 'steps between two windows of --window (default: the window)').argParser(
      intOption('--stride', 1),
    ),
  ];
}

/** Whether `file` is read as `aekit train --data` reads it: a .csv/.tsv table, a .npz, or any series (--window). */
export function isDataInput(file: string, options: DataInputOptions): boolean {
  const series = options.window !== undefined || options.stride !== undefined;
  return /\.(csv|tsv|npz)$/i.test(file) || (series && /\.npy$/i.test(file));
}

/**
 * The raw samples of a table, .npz or series input, [count, ...shape]; a table's gaps as `missing` says (the
 * policy `chooseMissing` picked: `mean` fills them with the model's training means).
 */
export async function readDataInput(
  file: string,
  options: DataInputOptions,
  missing: MissingFill = { policy: options.missing ?? 'error' },
): Promise<{ data: Float32Array; shape: number[]; count: number; source: string; notes: string[] }> {
  const series = seriesOptionsOf(options);
  const table: TableOptions = {
    ...(options.columns && { columns: options.columns }),
    ...(options.labelColumn !== undefined && { labelColumn: options.labelColumn }),
    ...(options.idColumn !== undefined && { idColumn: options.idColumn }),
    ...(options.skipLines !== undefined && { skipLines: options.skipLines }),
    missing: missing.policy,
    ...(options.skipBad && { skipBad: true }),
    ...(options.array !== undefined && { array: options.array }),
  };
  const d = await loadSamples(file, table, series, '--input');
  const what = d.kind === 'series' ? 'windows' : d.kind === 'table' ? 'rows' : 'samples';
  const gaps = d.missing?.cells ?? 0;
  const bad = d.skippedRows ?? [];
  const notes = [
    ...(bad.length > 0
      ? [
          `${file}: skipped ${bad.length} bad row${bad.length === 1 ? '' : 's'} (--skip-bad): ${badRowsText(bad)}`,
        ]
      : []),
    ...(gaps > 0
      ? [
          `${file}: ${gaps} missing value${gaps === 1 ? '' : 's'} ${missing.policy === 'drop-rows' ? `(${d.missing!.droppedRows} rows dropped)` : missing.policy === 'mean' ? "filled with the model's training means" : 'filled with 0'} (--missing ${missing.policy})`,
        ]
      : []),
  ];
  return {
    data: applyMissingFill(d.x, d.sampleShape.at(-1)!, missing, file),
    shape: d.sampleShape,
    count: d.count,
    source: `${d.count} ${what} of shape ${formatShape(d.sampleShape)}`,
    notes,
  };
}
