// aekit detect fit / score on a series: the real ECG record (SciPy's electrocardiogram, MIT-BIH record 208,
// 108,000 samples at 360 Hz) as a CSV (mV, label), cut into windows as the checkpoint was trained; scores.csv ids
// are window starts; --labels on a copy with injected bursts (a window is anomalous when any step is labelled).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEcg } from '@aekit/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../main.js';
import { aekit } from '../test-utils/aekit.js';

let root: string;
let ecg: string;
let bursts: string;
/** Where the bursts start: 8 of 100 steps, not aligned with the 128-step windows. */
const BURSTS = Array.from({ length: 8 }, (_, j) => 5_000 + 12_000 * j);
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-detect-series-'));
  const signal = loadEcg().signal;
  const csv = (value: (v: number, t: number) => number, label: (t: number) => number) =>
    `mv,label\n${Array.from(signal, (v, t) => `${value(v, t).toFixed(3)},${label(t)}`).join('\n')}\n`;
  ecg = join(root, 'ecg.csv');
  await writeFile(
    ecg,
    csv(
      (v) => v,
      () => 0,
    ),
  );
  // A 40 Hz burst of 2 mV over 100 steps at each start, labelled 1.
  const inBurst = (t: number) => BURSTS.some((b) => t >= b && t < b + 100);
  bursts = join(root, 'bursts.csv');
  await writeFile(
    bursts,
    csv(
      (v, t) => (inBurst(t) ? v + 2 * Math.sin((2 * Math.PI * 40 * t) / 360) : v),
      (t) => (inBurst(t) ? 1 : 0),
    ),
  );
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The id and score columns of a scores CSV. */
async function scoresOf(path: string): Promise<{ header: string; ids: number[]; flags: number }> {
  const [header, ...rows] = (await readFile(path, 'utf8')).trim().split('\n');
  const cells = rows.map((r) => r.split(','));
  return {
    header: header!,
    ids: cells.map((c) => Number(c[0])),
    flags: cells.filter((c) => c[2] === '1').length,
  };
}

describe('aekit detect on a series (--window)', () => {
  it('the ECG record: calibrated on its last steps, scored with the checkpoint window or another stride; ids are window starts', async () => {
    const run = join(root, 'run');
    const train = await aekit(
      'train',
      '--data',
      ecg,
      '--label-column',
      'label',
      '--window',
      '128',
      '--epochs',
      '2',
      '--batch-size',
      '32',
      '--lr',
      '0.003',
      '--patience',
      '0',
      '--device',
      'wasm',
      '--out',
      run,
    );
    expect(train.code, train.stderr).toBe(0);
    const det = join(root, 'ecg.detector.json');
    const fit = await aekit(
      'detect',
      'fit',
      '--checkpoint',
      run,
      '--data',
      ecg,
      '--threshold',
      'fpr:0.05',
      '--device',
      'wasm',
      '--out',
      det,
    );
    expect(fit.code, fit.stderr).toBe(0);
    // 108,000 steps: the first 86,400 give 675 windows of 128 to fit on, the last 21,600 give 168 to calibrate.
    expect(fit.stdout).toMatch(
      /mse detector on 128x1 windows \(stride 128\), fitted on 675 and calibrated on 168 held out of .*ecg\.csv \(--calibration-fraction 0\.2: the last steps\)/,
    );
    const out = join(root, 'scores.csv');
    const score = await aekit(
      'detect',
      'score',
      '--detector',
      det,
      '--data',
      ecg,
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(score.code, score.stderr).toBe(0);
    const whole = await scoresOf(out);
    expect(whole.header).toBe('id,score,is_anomaly');
    expect(whole.ids).toEqual(Array.from({ length: 843 }, (_, i) => i * 128));
    // fpr:0.05 on the calibration windows; over the whole record (held-in windows, some beats premature) a few %.
    expect(whole.flags / 843).toBeGreaterThan(0.005);
    expect(whole.flags / 843).toBeLessThan(0.15);
    const strided = await aekit(
      'detect',
      'score',
      ...['--detector', det, '--data', ecg, '--stride', '64', '--device', 'wasm', '--out', out],
    );
    expect(strided.code, strided.stderr).toBe(0);
    expect((await scoresOf(out)).ids).toEqual(Array.from({ length: 1686 }, (_, i) => i * 64));
    // --labels: a window holding any burst step is anomalous (a burst crossing a window edge makes two).
    const labelled = await aekit(
      'detect',
      'score',
      ...['--detector', det, '--data', bursts, '--labels', '--device', 'wasm', '--out', out],
    );
    expect(labelled.code, labelled.stderr).toBe(0);
    const expected = new Set(BURSTS.flatMap((b) => [Math.floor(b / 128), Math.floor((b + 99) / 128)])).size;
    const m = /labels \((\d+) anomalies of 843\): AUROC (\S+),/.exec(labelled.stdout);
    expect(m, labelled.stdout).not.toBeNull();
    expect(Number(m![1])).toBe(expected);
    expect(Number(m![2])).toBeGreaterThan(0.95);
    // Another window than the model's: the detector names both shapes; --stride alone on a table is refused.
    const other = await aekit(
      'detect',
      'score',
      ...[
        '--detector',
        det,
        '--data',
        ecg,
        '--window',
        '64',
        '--device',
        'wasm',
        '--out',
        join(root, 'w.csv'),
      ],
    );
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/shape \[64, 1\] but the detector was fitted on \[128, 1\]/);
    const table = join(root, 't.csv');
    await writeFile(table, 'a,b\n1,2\n3,4\n');
    const stride = await aekit(
      ...['detect', 'fit', '--checkpoint', run, '--data', table, '--stride', '4', '--device', 'wasm'],
    );
    expect(stride.code).toBe(EXIT_USAGE);
  }, 60_000);
});
