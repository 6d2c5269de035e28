import { readFileSync } from 'node:fs';
import { setLogger } from '@aekit/core';
import { codeOf } from '@aekit/core/testing';
import { describe, expect, it } from 'vitest';
import { loadEcg } from './ecg.js';
import { readNpy, readNpz } from './npz.js';
import { packagedFile } from './packaged-data.js';
import { windowSeries } from './series-windows.js';

setLogger({ info() {}, warn() {} });

describe('loadEcg', () => {
  it('matches scipy.misc.electrocardiogram (108000 samples at 360 Hz, in mV)', () => {
    for (const options of [{}, { path: packagedFile('ecg/ecg.dat') }]) {
      const ecg = loadEcg(options);
      expect(ecg.count).toBe(108000);
      expect(ecg.samplingRate).toBe(360);
      expect(Array.from(ecg.signal.subarray(0, 5))).toEqual(
        [-0.245, -0.215, -0.185, -0.175, -0.17].map(Math.fround),
      );
      let sum = 0;
      let sq = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const v of ecg.signal) {
        sum += v;
        sq += v * v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      const mean = sum / ecg.count;
      // numpy: mean -0.16510875, std 0.5992474, min -3.485, max 3.65
      expect(mean).toBeCloseTo(-0.16510875, 6);
      expect(Math.sqrt(sq / ecg.count - mean * mean)).toBeCloseTo(0.5992474, 5);
      expect([min, max]).toEqual([Math.fround(-3.485), Math.fround(3.65)]);
    }
  });
});

describe('windowSeries', () => {
  it('cuts whole windows at the stride, ids = start steps', () => {
    const w = windowSeries(Float32Array.of(0, 1, 2, 3, 4, 5, 6), { window: 3, stride: 2 });
    expect([w.count, w.channels]).toEqual([3, 1]);
    expect(Array.from(w.data)).toEqual([0, 1, 2, 2, 3, 4, 4, 5, 6]);
    expect(Array.from(w.starts)).toEqual([0, 2, 4]);
    expect(windowSeries(new Float32Array(108000), { window: 360 }).count).toBe(300);
    expect(codeOf(() => windowSeries(new Float32Array(3), { window: 4 }))).toBe('OPTION_INVALID');
    expect(codeOf(() => windowSeries(new Float32Array(3), { window: 2, stride: 0 }))).toBe('OPTION_INVALID');
  });

  it('keeps the channels of a step together; an offset moves the ids', () => {
    // 5 steps of 2 channels: (0, 10), (1, 11), ...
    const series = Float32Array.from({ length: 10 }, (_, i) => (i % 2) * 10 + Math.floor(i / 2));
    const w = windowSeries(series, { window: 2, stride: 3, channels: 2, offset: 100 });
    expect([w.count, w.window, w.channels]).toEqual([2, 2, 2]);
    expect(Array.from(w.data)).toEqual([0, 10, 1, 11, 3, 13, 4, 14]);
    expect(Array.from(w.starts)).toEqual([100, 103]);
    expect(codeOf(() => windowSeries(new Float32Array(5), { window: 1, channels: 2 }))).toBe(
      'OPTION_INVALID',
    );
  });
});

describe('readNpz / readNpy', () => {
  function npy(descr: string, shape: string, data: Uint8Array): Uint8Array {
    let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
    header = header.padEnd(118, ' ') + '\n';
    const out = new Uint8Array(10 + header.length + data.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
    out.set(new TextEncoder().encode(header), 10);
    out.set(data, 10 + header.length);
    return out;
  }

  it('reads float arrays and rejects truncated data', () => {
    const values = Float32Array.of(1.5, -2, 3);
    const a = readNpy(npy('<f4', '(3,)', new Uint8Array(values.buffer)));
    expect(a.shape).toEqual([3]);
    expect(Array.from(a.data)).toEqual([1.5, -2, 3]);
    expect(codeOf(() => readNpy(npy('<f4', '(4,)', new Uint8Array(values.buffer))))).toBe('DATA_INVALID');
    // Big-endian float64 is read (as every float/int dtype is); complex is not.
    expect(Array.from(readNpy(npy('>f8', '(3,)', new Uint8Array(24))).data)).toEqual([0, 0, 0]);
    expect(codeOf(() => readNpy(npy('<c16', '(3,)', new Uint8Array(48))))).toBe('DATA_INVALID');
  });

  it('rejects a truncated or corrupt archive', () => {
    expect(codeOf(() => readNpz(new Uint8Array(100)))).toBe('DATA_INVALID');
    const real = new Uint8Array(readFileSync(packagedFile('ecg/ecg.dat')));
    expect(readNpz(real).get('ecg')?.shape).toEqual([108000]);
    const cut = real.slice(0, real.length - 200); // loses the central directory
    expect(codeOf(() => readNpz(cut))).toBe('DATA_INVALID');
    const flipped = real.slice();
    flipped[5000] = flipped[5000]! ^ 0xff; // inside the deflate stream
    expect(codeOf(() => readNpz(flipped))).toBe('DATA_INVALID');
  });
});
