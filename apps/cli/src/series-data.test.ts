// Windows of a CSV series whose bad rows were left out (--skip-bad) or dropped (--missing drop-rows): no window
// reaches across a left-out row, and window ids stay the file's steps.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSamples, splitByTime } from './series-data.js';
import { loadUserData } from './user-data.js';

let dir: string;
/** 12 steps (value = step x 10, second channel = step); step 4 ragged, step 8 without a value. */
let csv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-series-gaps-'));
  const rows = Array.from({ length: 12 }, (_, t) =>
    t === 4 ? `${t * 10}` : t === 8 ? `,${t}` : `${t * 10},${t}`,
  );
  csv = join(dir, 'series.csv');
  await writeFile(csv, `a,b\n${rows.join('\n')}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Each window's first-channel values / 10: the file steps it holds. */
const stepsOf = (x: Float32Array, window: number) =>
  Array.from({ length: x.length / (2 * window) }, (_, k) =>
    Array.from({ length: window }, (_, t) => x[(k * window + t) * 2]! / 10),
  );

describe('series windows around left-out rows', () => {
  it('--skip-bad and --missing drop-rows break the series: windows stay within runs, ids are file steps', async () => {
    const w = await loadSamples(
      csv,
      { skipBad: true, missing: 'drop-rows' },
      { window: 3, stride: 1 },
      '--data',
    );
    // Runs: steps 0-3, 5-7, 9-11.
    expect(Array.from(w.ids!)).toEqual([0, 1, 5, 9]);
    expect(stepsOf(w.x, 3)).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [5, 6, 7],
      [9, 10, 11],
    ]);
    expect(w.steps).toBeUndefined();
  });

  it('without left-out rows the windows are as before', async () => {
    const clean = join(dir, 'clean.csv');
    await writeFile(clean, `a,b\n${Array.from({ length: 7 }, (_, t) => `${t * 10},${t}`).join('\n')}\n`);
    const data = await loadUserData(clean, {}, '--data');
    expect(data.steps).toBeUndefined();
    const w = await loadSamples(clean, {}, { window: 3, stride: 2 }, '--data');
    expect(Array.from(w.ids!)).toEqual([0, 2, 4]);
  });

  it('the time split keeps file steps on both sides', async () => {
    const data = await loadUserData(csv, { skipBad: true, missing: 'drop-rows' }, '--data');
    expect(Array.from(data.steps!)).toEqual([0, 1, 2, 3, 5, 6, 7, 9, 10, 11]);
    const { train, test } = splitByTime(data, 0.3, { window: 3, stride: 1 });
    expect(Array.from(train.ids!)).toEqual([0, 1, 5]);
    expect(Array.from(test.ids!)).toEqual([9]);
  });

  it('no run as long as the window: one line naming the file, the longest run and the fix', async () => {
    await expect(
      loadSamples(csv, { skipBad: true, missing: 'drop-rows' }, { window: 5 }, '--data'),
    ).rejects.toThrow(
      /series\.csv: the rows left out break the series into runs of at most 4 steps, none as long as --window 5; fix the bad rows or pass a --window of at most 4$/,
    );
  });
});
