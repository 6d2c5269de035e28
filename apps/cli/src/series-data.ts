import { DataError, OptionError } from '@aekit/core';
import { windowSeries } from '@aekit/datasets';
import { loadUserData, type TableOptions, type UserData } from './user-data.js';

/** `--window` / `--stride`: how a series is cut into samples. */
export interface SeriesOptions {
  window: number;
  /** Default `window` (windows side by side). */
  stride?: number;
}

/** The series a table (rows = steps, columns = channels) or an array ((T) or (T, C)) holds, or the fix. */
function channelsOf(data: UserData): number {
  if (data.kind === 'series') return data.sampleShape[data.sampleShape.length - 1]!;
  if ((data.kind === 'table' || data.kind === 'array') && data.sampleShape.length === 1) {
    return data.sampleShape[0]!;
  }
  throw new OptionError(
    `--window cuts a series: ${data.file} holds ${data.kind === 'images' ? 'images' : `samples of shape [${data.sampleShape.join(', ')}]`}; pass a CSV (rows = time steps, --columns = channels) or a .npy of shape (T) or (T, C)`,
    { details: { option: '--window', actual: data.sampleShape } },
  );
}

/**
 * A series (steps of `channels` values) cut into windows [n, window, channels] every `stride` steps; each
 * window's id is its start step in the file (`offset`: where this part of the series starts). Rows left out of
 * a table (`data.steps`) break the series: no window reaches across one, and ids stay the file's steps.
 */
export function windowed(data: UserData, options: SeriesOptions, offset = 0): UserData {
  const channels = channelsOf(data);
  const stride = options.stride ?? options.window;
  const cut = (from: number, to: number, start: number) =>
    windowSeries(data.x.subarray(from * channels, to * channels), {
      window: options.window,
      stride,
      channels,
      offset: start,
    });
  const parts = data.steps
    ? runsOf(data.steps)
        .filter((r) => r.to - r.from >= options.window)
        .map((r) => cut(r.from, r.to, data.steps![r.from]!))
    : [cut(0, data.count, offset)];
  if (parts.length === 0) {
    const longest = Math.max(...runsOf(data.steps!).map((r) => r.to - r.from));
    throw new DataError(
      'DATA_INVALID',
      `${data.file}: the rows left out break the series into runs of at most ${longest} steps, none as long as --window ${options.window}; fix the bad rows or pass a --window of at most ${longest}`,
      { details: { file: data.file, expected: options.window, actual: longest } },
    );
  }
  const count = parts.reduce((n, p) => n + p.count, 0);
  const x = new Float32Array(count * options.window * channels);
  const ids = new Uint32Array(count);
  let at = 0;
  for (const p of parts) {
    x.set(p.data, at * options.window * channels);
    ids.set(p.starts, at);
    at += p.count;
  }
  const { labels: _labels, rowIds: _rowIds, steps: _steps, ...rest } = data;
  return { ...rest, kind: 'series', x, count, sampleShape: [options.window, channels], ids };
}

/** The runs of consecutive file steps in `steps` (increasing), as [from, to) index ranges. */
function runsOf(steps: Uint32Array): { from: number; to: number }[] {
  const runs: { from: number; to: number }[] = [];
  let from = 0;
  for (let i = 1; i <= steps.length; i++) {
    if (i === steps.length || steps[i] !== steps[i - 1]! + 1) {
      runs.push({ from, to: i });
      from = i;
    }
  }
  return runs;
}

/**
 * The held-out split of a series by time, cut into windows: the last `fraction` of its steps for the test,
 * the steps before for training, not shuffled, so no test window shares a step with a training one (no
 * leakage). Window ids are start steps in the whole series.
 */
export function splitByTime(
  data: UserData,
  fraction: number,
  options: SeriesOptions,
): { train: UserData; test: UserData } {
  const channels = channelsOf(data);
  const steps = data.count;
  const testSteps = Math.round(steps * fraction);
  if (testSteps < options.window || steps - testSteps < options.window) {
    throw new OptionError(
      `${data.file} holds ${steps} steps: its last ${testSteps} (--test-fraction ${fraction}) and the ${steps - testSteps} before cannot each hold a window of ${options.window}; pass a smaller --window, another --test-fraction or --test-data`,
      { details: { option: '--window', actual: options.window } },
    );
  }
  const { labels: _labels, rowIds: _rowIds, steps: positions, ...rest } = data;
  const part = (from: number, to: number) => ({
    ...rest,
    x: data.x.subarray(from * channels, to * channels),
    count: to - from,
    ...(positions && { steps: positions.subarray(from, to) }),
  });
  return {
    train: windowed(part(0, steps - testSteps), options),
    test: windowed(part(steps - testSteps, steps), options, steps - testSteps),
  };
}

/** `--window` / `--stride` over `fallback` (the checkpoint's, or the detector's); undefined: not a series. */
export function seriesOptionsOf(
  options: { window?: number; stride?: number },
  fallback?: SeriesOptions,
): SeriesOptions | undefined {
  const window = options.window ?? fallback?.window;
  if (window === undefined) {
    if (options.stride === undefined) return undefined;
    throw new OptionError(
      '--stride needs --window: pass the window length too, e.g. --window 128 --stride 64',
      {
        details: { option: '--stride' },
      },
    );
  }
  const stride = options.stride ?? (options.window === undefined ? fallback?.stride : undefined);
  return { window, ...(stride !== undefined && { stride }) };
}

/** The `--window` / `--stride` a run was trained with, from its checkpoint's meta (undefined: not a series). */
export function checkpointSeriesOptions(meta: Record<string, unknown>): SeriesOptions | undefined {
  const o = (meta.options ?? {}) as Record<string, unknown>;
  if (typeof o.window !== 'number') return undefined;
  return { window: o.window, ...(typeof o.stride === 'number' && { stride: o.stride }) };
}

/** `loadUserData`, then cut into windows when `series` is given (the whole file: ids are its start steps). */
export async function loadSamples(
  file: string,
  options: TableOptions,
  series: SeriesOptions | undefined,
  flag: string,
): Promise<UserData> {
  const data = await loadUserData(file, options, flag);
  return series ? windowed(data, series) : data;
}
