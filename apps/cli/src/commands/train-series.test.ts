// aekit train --data with --window on the real ECG record (SciPy's electrocardiogram: MIT-BIH record 208,
// 108,000 samples at 360 Hz) and on the columns of a CSV: windows held out by time, the Conv1D default,
// the scaler in the export (raw-value parity with the checkpoint), and the options' errors.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@aekit/core/node';
import { loadEcg } from '@aekit/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../main.js';
import { aekit } from '../test-utils/aekit.js';

/** A 1-D float32 .npy of `data`. */
function npy1d(data: Float32Array): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${data.length},), }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

let root: string;
let ecg: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-train-series-'));
  ecg = join(root, 'ecg.npy');
  await writeFile(ecg, npy1d(loadEcg().signal));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('aekit train --data <series> --window', () => {
  it('the ECG record: conv1d by default beats the mean window on its last fifth; the export agrees on raw values', async () => {
    const out = join(root, 'ecg');
    const r = await aekit(
      'train',
      '--data',
      ecg,
      '--window',
      '128',
      '--epochs',
      '4',
      '--batch-size',
      '16',
      '--lr',
      '0.003',
      '--patience',
      '0',
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    // 108,000 steps: the first 86,400 train (675 windows, 68 validate), the last 21,600 test (168 windows).
    expect(r.stdout).toMatch(
      /training conv1d \(conv1d\) on 608 windows of 128 steps x 1 channels \(stride 128; test: the last part of the series\) of .*ecg\.npy, zscore scaled, validating on 67/,
    );
    const m = /test MSE (\S+) \(zscore units\) on 168 samples · mean-sample baseline (\S+)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const [mse, mean] = [Number(m![1]), Number(m![2])];
    expect(mse).toBeLessThan(mean / 3);
    expect(r.stdout).toMatch(/and 4 test windows, original vs reconstruction \(series\.png\)/);
    expect(readFileSync(join(out, 'series.png')).subarray(1, 4).toString()).toBe('PNG');
    // aekit eval reads the run's test part again (the series' last fifth) and finds the same scores.
    const ev = await aekit(
      'eval',
      '--checkpoint',
      out,
      '--report',
      join(root, 'ecg-report'),
      '--device',
      'wasm',
    );
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toContain(
      `test MSE ${m![1]} (zscore units) on 168 samples · mean-sample baseline ${m![2]}`,
    );
    expect(existsSync(join(root, 'ecg-report', 'index.html'))).toBe(true);
    expect(existsSync(join(root, 'ecg-report', 'series.png'))).toBe(true);
    const { spec, meta } = await loadCheckpoint(out, { optimizer: false });
    expect(spec.inputShape).toEqual([128, 1]);
    expect(spec.scaler?.type).toBe('zscore');
    expect(meta?.options).toMatchObject({ window: 128 });

    const onnx = join(out, 'full.onnx');
    const e = await aekit('export', '--checkpoint', out, '--part', 'full', '--out', onnx, '--device', 'wasm');
    expect(e.code, e.stderr).toBe(0);
    const c = await aekit(
      'compare',
      '--checkpoint',
      out,
      '--model',
      onnx,
      '--device',
      'wasm',
      '--tolerance',
      '1e-5',
    );
    expect(c.code, c.stderr).toBe(0);
    const parity =
      /on 843 raw samples of .*ecg\.npy: max \|diff\| (\S+), .* in scaled units .*: agree$/m.exec(c.stdout);
    expect(parity, c.stdout).not.toBeNull();
    expect(Number(parity![1])).toBeLessThanOrEqual(1e-5);
  }, 120_000);

  it('the columns of a CSV as channels, --stride, the LSTM', async () => {
    const { signal } = loadEcg();
    const rows = Array.from(
      { length: 2000 },
      (_, i) => `${i / 360},${signal[i]},${signal[i + 1]! - signal[i]!}`,
    );
    const csv = join(root, 'ecg.csv');
    await writeFile(csv, `time,mv,"slope, mV/step"\n${rows.join('\n')}\n`);
    const r = await aekit(
      'train',
      '--data',
      csv,
      '--columns',
      '1,2',
      '--window',
      '32',
      '--stride',
      '16',
      '--model',
      'lstm',
      '--units',
      '8',
      '--latent-dim',
      '4',
      '--epochs',
      '1',
      '--device',
      'wasm',
      '--out',
      join(root, 'csv'),
    );
    expect(r.code, r.stderr).toBe(0);
    // 1600 training steps: (1600 - 32) / 16 + 1 = 99 windows; 400 test steps: 24 windows.
    expect(r.stdout).toMatch(
      /on 90 windows of 32 steps x 2 channels \(stride 16; .*\) of .*ecg\.csv \(2 columns\)/,
    );
    expect(r.stdout).toMatch(/test MSE \S+ \(zscore units\) on 24 samples/);
  }, 60_000);

  it('bad options: --stride alone, a series model without --window, a window the series cannot hold', async () => {
    const cases: [string[], RegExp][] = [
      [['--stride', '4'], /--stride needs --window/],
      [['--model', 'conv1d'], /--model conv1d trains on windows of a series; pass --window <steps>/],
      [
        ['--window', '128', '--model', 'dense'],
        /--model dense does not train on series windows; use --model conv1d or lstm/,
      ],
      [['--window', '200000'], /holds 108000 steps: .* cannot each hold a window of 200000/],
      [['--window', '30'], /the window must be a multiple of 4 steps .* use --window 28 or 32/],
    ];
    for (const [extra, message] of cases) {
      const out = join(root, 'bad');
      const r = await aekit('train', '--data', ecg, ...extra, '--device', 'wasm', '--out', out);
      expect(r.code, r.stderr).toBe(EXIT_USAGE);
      expect(r.stderrLines).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    }
  }, 60_000);
});
