import { formatShape, OptionError } from '@aekit/core';
import { Option } from 'commander';
import { intOption } from '../parse-options.js';
import { loadSamples, type SeriesOptions } from '../series-data.js';
import type { TableOptions } from '../user-data.js';

/** How a command that takes raw samples reads a table, a .npz or a series, as `aekit train --data` does. */
export interface DataInputOptions {
  columns?: string[];
  labelColumn?: string;
  skipLines?: number;
  missing?: 'error' | 'drop-rows' | 'zero';
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
    new Option('--skip-lines <n>', 'a table input: lines before its header or first row').argParser(
      intOption('--skip-lines', 0),
    ),
    new Option(
      '--missing <policy>',
      'a table input: cells without a value are an error, or their rows are dropped, or they become 0',
    )
      .choices(['error', 'drop-rows', 'zero'])
      .default('error'),
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

/** The raw samples of a table, .npz or series input, [count, ...shape]. */
export async function readDataInput(
  file: string,
  options: DataInputOptions,
): Promise<{ data: Float32Array; shape: number[]; count: number; source: string }> {
  if (options.stride !== undefined && options.window === undefined) {
    throw new OptionError(
      '--stride needs --window: pass the window length too, e.g. --window 128 --stride 64',
      {
        details: { option: '--stride' },
      },
    );
  }
  const table: TableOptions = {
    ...(options.columns && { columns: options.columns }),
    ...(options.labelColumn !== undefined && { labelColumn: options.labelColumn }),
    ...(options.skipLines !== undefined && { skipLines: options.skipLines }),
    ...(options.missing !== undefined && { missing: options.missing }),
    ...(options.array !== undefined && { array: options.array }),
  };
  const series: SeriesOptions | undefined =
    options.window === undefined
      ? undefined
      : { window: options.window, ...(options.stride !== undefined && { stride: options.stride }) };
  const d = await loadSamples(file, table, series, '--input');
  const what = d.kind === 'series' ? 'windows' : d.kind === 'table' ? 'rows' : 'samples';
  return {
    data: d.x,
    shape: d.sampleShape,
    count: d.count,
    source: `${d.count} ${what} of shape ${formatShape(d.sampleShape)}`,
  };
}
