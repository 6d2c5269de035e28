import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AekitError, setLogger } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { BREAST_CANCER_FEATURES, loadBreastCancer } from './breast-cancer.js';
import { fitMinMax, loadCsv, minMaxScale, parseCsv } from './csv.js';
import { packagedFile } from './packaged-data.js';

setLogger({ info() {}, warn() {} });

function errorOf(fn: () => unknown): AekitError | undefined {
  try {
    fn();
  } catch (e) {
    if (AekitError.isInstance(e)) return e;
    throw e;
  }
  return undefined;
}

describe('parseCsv / loadCsv', () => {
  it('reads a header, numbers and a label column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aekit-csv-'));
    try {
      const path = join(dir, 'x.csv');
      await writeFile(path, 'a,b,label,c\n1,2,0,3\n4,5.5,1,-6e-1\n\n');
      const t = loadCsv(path, { labelColumn: 'label' });
      expect(t.columns).toEqual(['a', 'b', 'c']);
      expect(t.labelColumn).toBe('label');
      expect([t.count, t.featureCount]).toEqual([2, 3]);
      expect(Array.from(t.features)).toEqual([1, 2, 3, 4, 5.5, Math.fround(-0.6)]);
      expect(Array.from(t.labels!)).toEqual([0, 1]);
      expect(errorOf(() => loadCsv(join(dir, 'missing.csv')))?.code).toBe('DATA_NOT_FOUND');
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('detects a missing header and accepts negative label indices', () => {
    const t = parseCsv('1,2,3\n4,5,6\n', { labelColumn: -1 });
    expect(t.columns).toEqual(['column0', 'column1']);
    expect(Array.from(t.labels!)).toEqual([3, 6]);
  });

  it('names the line and column of a ragged row or a non-number', () => {
    const ragged = errorOf(() => parseCsv('a,b\n1,2\n3\n', {}, 'r.csv'));
    expect(ragged?.code).toBe('DATA_INVALID');
    expect(ragged?.message).toBe('r.csv:3: expected 2 columns, got 1 (ragged row)');
    const nan = errorOf(() => parseCsv('a,b\n1,2\n3,x\n', {}, 'n.csv'));
    expect(nan?.code).toBe('DATA_INVALID');
    expect(nan?.message).toMatch(/^n\.csv:3: column "b" \(index 1\) holds "x", expected a number/);
    expect(errorOf(() => parseCsv('a,b\n1,2\n', { labelColumn: 'z' }))?.code).toBe('OPTION_INVALID');
  });
});

describe('minMaxScale', () => {
  it('scales with the fitted min/max, constant columns to 0, optional clipping', () => {
    const train = parseCsv('1,10,5\n3,20,5\n');
    const test = parseCsv('2,30,5\n');
    expect(Array.from(minMaxScale(train, train).features)).toEqual([0, 0, 0, 1, 1, 0]);
    expect(Array.from(minMaxScale(train, test).features)).toEqual([0.5, 2, 0]);
    expect(Array.from(minMaxScale(train, test, { clip: true }).features)).toEqual([0.5, 1, 0]);
    expect(Array.from(fitMinMax(train.features, 3).max)).toEqual([3, 20, 5]);
    expect(errorOf(() => minMaxScale(train, parseCsv('1,2\n')))?.code).toBe('OPTION_INVALID');
  });
});

describe('loadBreastCancer', () => {
  it('has 569 rows of 30 features, 212 malignant (0) and 357 benign (1), as scikit-learn', () => {
    for (const options of [{}, { path: packagedFile('breast-cancer/breast_cancer.csv') }]) {
      const data = loadBreastCancer(options);
      expect([data.count, data.featureCount, data.features.length]).toEqual([569, 30, 569 * 30]);
      expect(data.columns).toEqual(BREAST_CANCER_FEATURES);
      expect(data.columns[0]).toBe('mean radius');
      expect(data.columns[29]).toBe('worst fractal dimension');
      expect(data.labels.filter((l) => l === 0).length).toBe(212);
      expect(data.labels.filter((l) => l === 1).length).toBe(357);
      let sum = 0;
      for (const v of data.features) sum += v;
      expect(Math.abs(sum - 1056474.4596356) / 1056474.46).toBeLessThan(1e-6); // numpy loadtxt sum
      expect(data.features[0]).toBeCloseTo(17.99, 5);
      expect(data.labels[0]).toBe(0);
      const scaled = minMaxScale(data, data);
      expect(Math.min(...scaled.features)).toBe(0);
      expect(Math.max(...scaled.features)).toBe(1);
    }
    expect(loadBreastCancer({ path: packagedFile('breast-cancer/breast_cancer.csv') }).source.kind).toBe(
      'file',
    );
  });
});

describe('parseCsv numbers beyond float32', () => {
  it('a value that float32 cannot hold is an error naming the line and column, not Infinity', () => {
    // Found by the property test (src/parsers-fuzz.test.ts): finite as a double, Infinity as float32.
    expect(() => parseCsv('a,b\n3.4028235677973366e+38,0\n', {}, 'x.csv')).toThrow(
      'x.csv:2: column "a" (index 0) holds 3.4028235677973366e+38, beyond the float32 range (±3.4e38); rescale that column',
    );
  });
});
