import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AekitError, setLogger } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { BREAST_CANCER_FEATURES, loadBreastCancer } from './breast-cancer.js';
import { fitMinMax, loadCsv, minMaxScale, parseCsv } from './csv.js';
import { columnMeans, fillMissing } from './missing-values.js';
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
    expect(ragged?.message).toBe(
      'r.csv:3: expected 2 columns, got 1 (ragged row); fix or remove that row, or leave bad rows out with the skipBad option',
    );
    const nan = errorOf(() => parseCsv('a,b\n1,2\n3,x\n', {}, 'n.csv'));
    expect(nan?.code).toBe('DATA_INVALID');
    expect(nan?.message).toMatch(/^n\.csv:3: column "b" \(index 1\) holds "x", expected a number/);
    expect(errorOf(() => parseCsv('a,b\n1,2\n', { labelColumn: 'z' }))?.code).toBe('OPTION_INVALID');
  });
});

describe('parseCsv id column', () => {
  it('keeps text ids (quoted, with commas) out of the features, beside a label; drop-rows drops their ids', () => {
    const text = 'id,a,label,b\n"p-1, left",1,0,2\nq2,3,1,\nr3,5,0,6\n';
    const t = parseCsv(text, { idColumn: 'id', labelColumn: 'label', missing: 'drop-rows' }, 'i.csv');
    expect(t.columns).toEqual(['a', 'b']);
    expect([t.idColumn, t.idIndex, t.labelColumn]).toEqual(['id', 0, 'label']);
    expect(t.ids).toEqual(['p-1, left', 'r3']);
    expect(Array.from(t.features)).toEqual([1, 2, 5, 6]);
    expect(Array.from(t.labels!)).toEqual([0, 0]);
    expect(Array.from(t.lines)).toEqual([2, 4]);
  });

  it('by index (a digit string too) in a header-less file whose ids are text; unknown or also the label: an OptionError', () => {
    const t = parseCsv('a7,1,2\nb8,3,4\n', { idColumn: '0' });
    expect(t.columns).toEqual(['column1', 'column2']);
    expect(t.ids).toEqual(['a7', 'b8']);
    expect(Array.from(t.features)).toEqual([1, 2, 3, 4]);
    expect(parseCsv('x,y\n1,2\n', { idColumn: -1 }).ids).toEqual(['2']);
    const unknown = errorOf(() => parseCsv('a,b\n1,2\n', { idColumn: 'name' }, 'u.csv'));
    expect(unknown?.code).toBe('OPTION_INVALID');
    expect(unknown?.message).toBe('u.csv: id column "name" not found; its columns are a, b');
    const both = errorOf(() => parseCsv('a,b\n1,2\n', { idColumn: 'a', labelColumn: 0 }, 'b.csv'));
    expect(both?.message).toMatch(/both the label and the id column/);
  });
});

describe('parseCsv quoting (csv-parse)', () => {
  it('reads quoted names and cells holding the delimiter, newlines and doubled quotes; TSV; CRLF; a BOM', () => {
    const t = parseCsv('\uFEFF"a, the first","b ""x""",c\r\n"1",2,"3"\r\n4,"5",6\r\n', {}, 'q.csv');
    expect(t.columns).toEqual(['a, the first', 'b "x"', 'c']);
    expect(Array.from(t.features)).toEqual([1, 2, 3, 4, 5, 6]);
    const multi = parseCsv('"line\none",b\n1,2\n3,4\n', {}, 'm.csv');
    expect(multi.columns).toEqual(['line\none', 'b']);
    expect(Array.from(multi.lines)).toEqual([3, 4]);
    const tsv = parseCsv('a\t"b\tc"\n1\t2\n', { delimiter: '\t' });
    expect(tsv.columns).toEqual(['a', 'b\tc']);
    expect(Array.from(tsv.features)).toEqual([1, 2]);
  });

  it('a broken quote, a ragged row after a quoted newline, text in a quoted cell: the line and what to do', () => {
    expect(errorOf(() => parseCsv('a,b\n1,2\n"3,4\n', {}, 'o.csv'))?.message).toMatch(
      /^o\.csv:\d: not valid CSV \(.*\); quote a field holding the delimiter/,
    );
    expect(errorOf(() => parseCsv('a,b\n"1\n",2\n3\n', {}, 'r.csv'))?.message).toMatch(
      /^r\.csv:4: expected 2 columns, got 1 \(ragged row\); fix or remove that row/,
    );
    expect(errorOf(() => parseCsv('a,b\n1,"x,y"\n', {}, 't.csv'))?.message).toMatch(
      /^t\.csv:2: column "b" \(index 1\) holds "x,y", expected a number/,
    );
  });
});

describe('parseCsv missing values', () => {
  const gaps = 'a,b,c\n1,2,3\n4,,6\n7,NA,9\n10,11,?\n';
  it('are an error naming the line and column unless a policy is chosen', () => {
    expect(errorOf(() => parseCsv(gaps, {}, 'g.csv'))?.message).toBe(
      'g.csv:3: column "b" (index 1) has no value; fill it in, or choose a missing-value policy (--missing drop-rows, mean or zero)',
    );
    const dropped = parseCsv(gaps, { missing: 'drop-rows' });
    expect([dropped.count, dropped.droppedRows, dropped.missingCells]).toEqual([1, 3, 3]);
    expect(Array.from(dropped.lines)).toEqual([2]);
    expect(Array.from(parseCsv(gaps, { missing: 'zero' }).features).slice(3, 9)).toEqual([4, 0, 6, 7, 0, 9]);
    const kept = parseCsv(gaps, { missing: 'mean' });
    expect(kept.features.filter(Number.isNaN)).toHaveLength(3);
    // Means of the training part only (the first two rows here), applied to every part.
    const means = columnMeans(kept.features.subarray(0, 6), 3, { source: 'g.csv', columns: kept.columns });
    expect(Array.from(fillMissing(kept.features, 3, means))).toEqual([
      1, 2, 3, 4, 2, 6, 7, 2, 9, 10, 11, 4.5,
    ]);
  });

  it('an empty column is an error under every policy; a missing label unless its row is dropped', () => {
    for (const missing of ['error', 'drop-rows', 'mean', 'zero'] as const) {
      expect(errorOf(() => parseCsv('a,b\n1,\n2,\n', { missing }, 'e.csv'))?.message).toBe(
        'e.csv: column "b" (index 1) has no value in any of its 2 rows (an empty column); fill it in or leave it out (--columns)',
      );
    }
    expect(
      errorOf(() => parseCsv('a,y\n1,0\n2,\n', { labelColumn: 'y', missing: 'zero' }, 'l.csv'))?.message,
    ).toMatch(/^l\.csv:3: column "y" \(index 1\) has no value/);
    expect(parseCsv('a,y\n1,0\n2,\n3,1\n', { labelColumn: 'y', missing: 'drop-rows' }).labels).toEqual(
      new Float32Array([0, 1]),
    );
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
      'x.csv:2: column "a" (index 0) holds 3.4028235677973366e+38, beyond the float32 range (±3.4e38); rescale that column, or leave bad rows out with the skipBad option',
    );
  });
});

describe('parseCsv skipBad', () => {
  it('leaves out ragged rows, text in a numeric column and numbers beyond float32, listed by line; the rest as without them', () => {
    const text = 'a,b,c\n1,2,3\n4,5\n6,abc,7\n8,9,1e39\n10,NA,12\n13,14,15,16\n';
    expect(errorOf(() => parseCsv(text, { missing: 'zero' }, 's.csv'))?.message).toMatch(/^s\.csv:3: /);
    const t = parseCsv(text, { missing: 'zero', skipBad: true }, 's.csv');
    expect(t.skipped).toEqual([
      { line: 3, reason: 'ragged: 2 of 3 fields' },
      { line: 4, reason: 'column "b": "abc" is not a number' },
      { line: 5, reason: 'column "c": 1e39 is beyond float32' },
      { line: 7, reason: 'ragged: 4 of 3 fields' },
    ]);
    expect(Array.from(t.features)).toEqual([1, 2, 3, 10, 0, 12]);
    expect(Array.from(t.lines)).toEqual([2, 6]);
    expect(t.missingCells).toBe(1);
    // The good rows alone read the same; without skipBad there is no list.
    const good = parseCsv('a,b,c\n1,2,3\n10,NA,12\n', { missing: 'zero' });
    expect(good.features).toEqual(t.features);
    expect(good.skipped).toBeUndefined();
    expect(parseCsv(text.split('\n').slice(0, 2).join('\n'), { skipBad: true }).skipped).toEqual([]);
  });
});

describe('parseCsv text labels', () => {
  it('a label column of class names: 0, 1... in first-seen order, the names kept; a missing one is an error', () => {
    const text = 'x,kind,y\n1,malignant,2\n3,benign,4\n5,malignant,6\n7,"benign",8\n';
    const t = parseCsv(text, { labelColumn: 'kind' }, 'k.csv');
    expect(t.labelNames).toEqual(['malignant', 'benign']);
    expect(Array.from(t.labels!)).toEqual([0, 1, 0, 1]);
    expect([t.labelColumn, t.labelIndex, t.columns]).toEqual(['kind', 1, ['x', 'y']]);
    expect(Array.from(t.features)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Numbers only: numeric labels as before, no names. By index ("-1" as a string too), header-less.
    expect(parseCsv('a,y\n1,3\n2,5\n', { labelColumn: 'y' }).labelNames).toBeUndefined();
    const byIndex = parseCsv('1,2,setosa\n3,4,virginica\n5,6,setosa\n', { labelColumn: '-1' });
    expect([byIndex.count, byIndex.columns, Array.from(byIndex.labels!)]).toEqual([
      3,
      ['column0', 'column1'],
      [0, 1, 0],
    ]);
    expect(byIndex.labelNames).toEqual(['setosa', 'virginica']);
    expect(errorOf(() => parseCsv('a,k\n1,x\n2,\n', { labelColumn: 'k' }, 'm.csv'))?.message).toMatch(
      /^m\.csv:3: column "k" \(index 1\) has no value/,
    );
    const dropped = parseCsv('a,k\n1,x\n2,\n3,y\n', { labelColumn: 'k', missing: 'drop-rows' });
    expect([Array.from(dropped.labels!), dropped.labelNames]).toEqual([
      [0, 1],
      ['x', 'y'],
    ]);
    // Text in a feature column is still an error.
    expect(errorOf(() => parseCsv('a,k\nq,x\n', { labelColumn: 'k', hasHeader: true }))?.message).toMatch(
      /column "a" \(index 0\) holds "q", expected a number/,
    );
  });
});

describe('parseCsv text columns', () => {
  const text = 'name,a,note,b\nfoo,1,x,2\nbar,3,,4\nbaz,5,y,6\n';
  it('readColumns: the other columns are not read (0 in features, never an error); the label is read', () => {
    const t = parseCsv(text, { readColumns: ['a', 3] });
    expect(t.columns).toEqual(['name', 'a', 'note', 'b']);
    expect(Array.from(t.features)).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6]);
    const labelled = parseCsv('a,b,c\n1,2,3\n4,5,6\n', { readColumns: ['a'], labelColumn: 'c' });
    expect(Array.from(labelled.labels!)).toEqual([3, 6]);
    expect(Array.from(labelled.features)).toEqual([1, 0, 4, 0]);
  });
  it('a column of text in every row: one error naming it and the options, also under skipBad', () => {
    const fix =
      /^CSV: column "name" \(index 0\) holds text in every row \("foo"\.\.\.\); choose the numeric columns with the readColumns option, or make it the id column \(the idColumn option\)$/;
    expect(() => parseCsv(text)).toThrow(fix);
    expect(() => parseCsv(text, { skipBad: true })).toThrow(fix);
    // A column with a number in some row is a column of bad rows, as before.
    expect(() => parseCsv('a,b\nfoo,1\n2,3\n')).toThrow(/CSV:2: column "a" \(index 0\) holds "foo"/);
  });
});
