import { OptionError } from '@aekit/core';

/** Windows cut from a series: `count` windows of `window` steps of `channels` values, and where each starts. */
export interface Windows {
  /** [count, window, channels], row-major. */
  readonly data: Float32Array;
  readonly count: number;
  readonly window: number;
  readonly channels: number;
  /** The step (0-based, in the series given) where each window starts: its id. */
  readonly starts: Uint32Array;
}

export interface WindowOptions {
  /** Steps per window. */
  window: number;
  /** Steps between the starts of two windows. Default `window` (no overlap). */
  stride?: number;
  /** Values per step: the series is [steps, channels], row-major. Default 1. */
  channels?: number;
  /** Added to each start (a part of a longer series keeps the positions of the whole). Default 0. */
  offset?: number;
}

/**
 * Cuts `series` ([steps, channels], row-major) into whole windows of `window` steps every `stride` steps;
 * each window's id is the step where it starts. A window longer than the series is an OptionError.
 */
export function windowSeries(series: Float32Array, options: WindowOptions): Windows {
  const { window, stride = window, channels = 1, offset = 0 } = options;
  for (const [what, v] of [
    ['window', window],
    ['stride', stride],
    ['channels', channels],
  ] as const) {
    if (!(Number.isInteger(v) && v > 0)) {
      throw new OptionError(`windowSeries: ${what} must be a positive integer, got ${v}`, {
        details: { option: `--${what}`, expected: 'positive integer', actual: v },
      });
    }
  }
  if (series.length % channels !== 0) {
    throw new OptionError(
      `windowSeries: ${series.length} values is not a whole number of steps of ${channels} channels`,
      { details: { expected: channels, actual: series.length } },
    );
  }
  const steps = series.length / channels;
  if (window > steps) {
    throw new OptionError(
      `--window ${window} is longer than the series (${steps} steps); pass a --window of at most ${steps}`,
      { details: { option: '--window', expected: `<= ${steps}`, actual: window } },
    );
  }
  const count = Math.floor((steps - window) / stride) + 1;
  const size = window * channels;
  const data = new Float32Array(count * size);
  const starts = new Uint32Array(count);
  for (let k = 0; k < count; k++) {
    starts[k] = offset + k * stride;
    data.set(series.subarray(k * stride * channels, k * stride * channels + size), k * size);
  }
  return { data, count, window, channels, starts };
}
