// aekit train --data on a real table (scikit-learn's breast cancer: 569 rows of 30 features, a label column),
// the fitted scaler carried into the checkpoint and the ONNX export, and the bad inputs a user meets.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CHECKPOINT_MANIFEST } from '@aekit/core';
import { loadCheckpoint } from '@aekit/core/node';
import { loadBreastCancer } from '@aekit/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_USAGE } from '../main.js';
import { aekit } from '../test-utils/aekit.js';

const table = loadBreastCancer().source.path; // the real file, first line "569,30,malignant,benign"
const TABLE = ['--data', table, '--skip-lines', '1', '--label-column', '-1', '--device', 'wasm'];

/** A .npy (float64, C order) of `rows` x `cols` values. */
function npy(data: Float32Array, rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  data.forEach((v, i) => {
    view.setFloat64(i * 8, v, true);
  });
  return out;
}

/** A .npz (zip, stored) of the named .npy files. */
function npz(entries: Record<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const file = new TextEncoder().encode(`${name}.npy`);
    const local = new Uint8Array(30 + file.length);
    const l = new DataView(local.buffer);
    const crc = crc32(data);
    l.setUint32(0, 0x04034b50, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, data.length, true);
    l.setUint32(22, data.length, true);
    l.setUint16(26, file.length, true);
    local.set(file, 30);
    const dir = new Uint8Array(46 + file.length);
    const d = new DataView(dir.buffer);
    d.setUint32(0, 0x02014b50, true);
    d.setUint32(16, crc, true);
    d.setUint32(20, data.length, true);
    d.setUint32(24, data.length, true);
    d.setUint16(28, file.length, true);
    d.setUint32(42, offset, true);
    dir.set(file, 46);
    parts.push(local, data);
    central.push(dir);
    offset += local.length + data.length;
  }
  const size = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, central.length, true);
  e.setUint16(10, central.length, true);
  e.setUint32(12, size, true);
  e.setUint32(16, offset, true);
  return new Uint8Array(Buffer.concat([...parts, ...central, end]));
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-train-data-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('aekit train --data <table.csv>', () => {
  it('beats the mean sample and PCA of the same code size on held-out rows with the table defaults; the export agrees on raw values', async () => {
    const out = join(root, 'cancer');
    // No model options: a table gets deep, hidden max(32, 2F) = 60, code round(F / 4) = 8, lr 0.003, batch 16,
    // 60 epochs, patience 10 (table-defaults.ts).
    const r = await aekit('train', ...TABLE, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /on 410 rows of .*breast_cancer\.csv \(30 columns\), zscore scaled, validating on 45/,
    );
    const m =
      /test MSE (\S+) \(zscore units\) on 114 samples · mean-sample baseline (\S+) · PCA\(8\) (\S+)/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    const [mse, mean, pca] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(mse).toBeLessThan(mean / 4);
    expect(mse).toBeLessThan(pca);
    // The scaler is part of the model: in the checkpoint's spec, fitted on the 455 training rows.
    const { spec, meta } = await loadCheckpoint(out, { optimizer: false });
    expect(spec.scaler?.type).toBe('zscore');
    expect(spec.scaler?.offset).toHaveLength(30);
    expect(spec.decoder.at(-1)).toMatchObject({ units: 30, activation: 'linear' });
    expect(meta?.baselines).toMatchObject({ pca: { components: 8 } });
    expect(r.stdout).toMatch(/table defaults \(options not given\): --hidden 60 --latent-dim 8 --lr 0.003/);
    expect(existsSync(join(out, 'reconstructions.png'))).toBe(false);
    // The run's report for a table: each feature's test MSE with ±1 standard error.
    expect(r.stdout).toMatch(/and the test MSE per feature \(feature-errors\.png\)/);
    expect(readFileSync(join(out, 'feature-errors.png')).subarray(1, 4).toString()).toBe('PNG');
    // aekit eval reads the same held-out rows again (the run's seed and --test-fraction): the same scores.
    const ev = await aekit(
      'eval',
      '--checkpoint',
      out,
      '--report',
      join(root, 'cancer-report'),
      '--device',
      'wasm',
    );
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toContain(
      `test MSE ${m![1]} (zscore units) on 114 samples · mean-sample baseline ${m![2]} · PCA(8) ${m![3]}`,
    );
    expect(existsSync(join(root, 'cancer-report', 'feature-errors.png'))).toBe(true);

    const onnx = join(out, 'full.onnx');
    const e = await aekit('export', '--checkpoint', out, '--part', 'full', '--out', onnx, '--device', 'wasm');
    expect(e.code, e.stderr).toBe(0);
    // Raw rows of the file into ONNX Runtime against the checkpoint with its scaler, in the model's units.
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
    const parity = /on 569 raw samples of .*: max \|diff\| (\S+), .* in scaled units .*: agree$/m.exec(
      c.stdout,
    );
    expect(parity, c.stdout).not.toBeNull();
    expect(Number(parity![1])).toBeLessThanOrEqual(1e-5);
  }, 120_000);

  it('wine (13 features): the table defaults beat PCA(3) and the mean row on held-out rows', async () => {
    // scikit-learn's bundled copy (Debian's python3-sklearn): 178 rows, a first line "178,13,class_0,...".
    const wine = '/usr/lib/python3/dist-packages/sklearn/datasets/data/wine_data.csv';
    const r = await aekit(
      'train',
      '--data',
      wine,
      '--skip-lines',
      '1',
      '--label-column',
      '-1',
      '--device',
      'wasm',
      '--out',
      join(root, 'wine'),
    );
    expect(r.code, r.stderr).toBe(0);
    const m =
      /test MSE (\S+) \(zscore units\) on 36 samples · mean-sample baseline (\S+) · PCA\(3\) (\S+)/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    const [mse, mean, pca] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(mse).toBeLessThan(pca);
    expect(mse).toBeLessThan(mean / 2);
  }, 60_000);

  it('iris with its class names as a text label column: the names numbered in first-seen order and kept; beats the mean row', async () => {
    // scikit-learn's iris (Debian's python3-sklearn), its class numbers written as the names of its first line.
    const [first, ...rows] = readFileSync(
      '/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv',
      'utf8',
    )
      .trimEnd()
      .split('\n');
    const names = first!.split(',').slice(2);
    const csv = join(root, 'iris-names.csv');
    await writeFile(
      csv,
      `sepal length,sepal width,petal length,petal width,species\n${rows
        .map((row) => row.replace(/,(\d)$/, (_, c: string) => `,${names[Number(c)]}`))
        .join('\n')}\n`,
    );
    const out = join(root, 'iris');
    const r = await aekit(
      'train',
      '--data',
      csv,
      '--label-column',
      'species',
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      '--label-column species: 3 classes (first-seen order): setosa=0, versicolor=1, virginica=2',
    );
    expect(r.stdout).toMatch(/rows of .*iris-names\.csv \(4 columns\)/);
    const m = /test MSE (\S+) \(zscore units\) on 30 samples · mean-sample baseline (\S+)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(Number(m![2]) / 2);
    const { meta } = await loadCheckpoint(out, { optimizer: false });
    expect(meta?.labelNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(meta?.columns).toEqual(['sepal length', 'sepal width', 'petal length', 'petal width']);
  }, 60_000);

  it('reads a .npy array with --test-data and a min-max scaler', async () => {
    const { features, count, featureCount } = loadBreastCancer();
    const cut = 400 * featureCount;
    await writeFile(join(root, 'train.npy'), npy(features.subarray(0, cut), 400, featureCount));
    await writeFile(join(root, 'test.npy'), npy(features.subarray(cut), count - 400, featureCount));
    const out = join(root, 'npy');
    const r = await aekit(
      'train',
      '--data',
      join(root, 'train.npy'),
      '--test-data',
      join(root, 'test.npy'),
      '--scale',
      'minmax',
      '--model',
      'dense',
      '--latent-dim',
      '4',
      '--epochs',
      '2',
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test MSE \S+ \(minmax units\) on 169 samples/);
    expect((await loadCheckpoint(out, { optimizer: false })).spec.scaler?.type).toBe('minmax');
  }, 60_000);
});

describe('aekit train --data <arrays.npz>', () => {
  it('picks the --array named; several arrays without it, an unknown name or a complex dtype: the fix', async () => {
    const { features, count, featureCount } = loadBreastCancer();
    const file = join(root, 'cancer.npz');
    await writeFile(
      file,
      npz({ x: npy(features, count, featureCount), ids: npy(new Float32Array(count), count, 1) }),
    );
    const r = await aekit(
      'train',
      '--data',
      file,
      '--array',
      'x',
      '--model',
      'dense',
      '--latent-dim',
      '4',
      '--epochs',
      '2',
      '--device',
      'wasm',
      '--out',
      join(root, 'npz'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on 410 samples of .*cancer\.npz/);
    expect(r.stdout).toMatch(/test MSE \S+ \(zscore units\) on 114 samples/);
    const several = await aekit('train', '--data', file, '--out', join(root, 'x'));
    expect([several.code, several.stderrLines.length]).toEqual([EXIT_USAGE, 1]);
    expect(several.stderr).toMatch(
      /cancer\.npz holds 2 arrays \(x \(569, 30\), ids \(569, 1\)\); choose one with --array <name>/,
    );
    const unknown = await aekit('train', '--data', file, '--array', 'y', '--out', join(root, 'x'));
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.stderr).toMatch(/--array "y": .*cancer\.npz has no such array; its arrays are x, ids/);
    const complex = npy(new Float32Array(4), 2, 2);
    complex.set(new TextEncoder().encode("<c8'"), complex.indexOf(0x3c)); // '<f8' -> '<c8'
    await writeFile(join(root, 'complex.npy'), complex);
    const bad = await aekit('train', '--data', join(root, 'complex.npy'), '--out', join(root, 'x'));
    expect([bad.code, bad.stderrLines.length]).toEqual([EXIT_FAILURE, 1]);
    expect(bad.stderr).toMatch(
      /complex\.npy: dtype <c8 \(complex\) cannot be read as numbers; save the array as floats/,
    );
    expect(existsSync(join(root, 'x', CHECKPOINT_MANIFEST))).toBe(false);
  }, 60_000);
});

describe('aekit train --data: choosing columns', () => {
  it('trains on the --columns named, the label kept out, and records them', async () => {
    const out = join(root, 'four');
    const r = await aekit(
      'train',
      '--data',
      table,
      '--skip-lines',
      '1',
      '--columns',
      '0,1,2,-2',
      '--label-column',
      '30',
      '--model',
      'dense',
      '--latent-dim',
      '2',
      '--epochs',
      '1',
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(4 columns\), zscore scaled/);
    const { spec, meta } = await loadCheckpoint(out, { optimizer: false });
    expect(spec.inputShape).toEqual([4]);
    expect(meta?.columns).toEqual(['column0', 'column1', 'column2', 'column29']);
  }, 60_000);
});

describe('aekit train --data: bad input', () => {
  it('a missing value: one line naming the file, line and column; exit 1, nothing written', async () => {
    const csv = join(root, 'gaps.csv');
    await writeFile(csv, 'a,b,c\n1,2,3\n4,,6\n');
    const out = join(root, 'gaps');
    const r = await aekit('train', '--data', csv, '--device', 'wasm', '--out', out);
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderr).toMatch(
      /gaps\.csv:3: column "b" \(index 1\) has no value; fill it in, or choose a missing-value policy \(--missing drop-rows, mean or zero\)$/m,
    );
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
    // An empty column, a quoted cell holding text: each one line naming the column.
    await writeFile(csv, 'a,b,c\n1,,3\n4,,6\n');
    const empty = await aekit('train', '--data', csv, '--missing', 'zero', '--device', 'wasm', '--out', out);
    expect([empty.code, empty.stderrLines.length]).toEqual([EXIT_FAILURE, 1]);
    expect(empty.stderr).toMatch(
      /gaps\.csv: column "b" \(index 1\) has no value in any of its 2 rows \(an empty column\)/,
    );
    await writeFile(csv, 'a,b\n1,2\n"3","four, five"\n');
    const text = await aekit('train', '--data', csv, '--device', 'wasm', '--out', out);
    expect([text.code, text.stderrLines.length]).toEqual([EXIT_FAILURE, 1]);
    expect(text.stderr).toMatch(/gaps\.csv:3: column "b" \(index 1\) holds "four, five", expected a number/);
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
  });

  it('ragged rows and text in a numeric column: one line naming file, line, column and --skip-bad; with it, skipped and counted', async () => {
    // The real breast-cancer rows, three of them damaged: a field lost, a number written as text.
    const lines = readFileSync(table, 'utf8').trimEnd().split('\n');
    const cut = (line: string) => line.split(',').slice(1).join(',');
    lines[13] = cut(lines[13]!);
    lines[29] = lines[29]!.replace(/^[^,]+/, 'abc');
    lines[100] = cut(lines[100]!);
    const csv = join(root, 'damaged.csv');
    await writeFile(csv, `${lines.join('\n')}\n`);
    const out = join(root, 'damaged');
    const args = ['--skip-lines', '1', '--label-column', '-1', '--model', 'dense', '--latent-dim', '4'];
    const r = await aekit('train', '--data', csv, ...args, '--epochs', '1', '--device', 'wasm', '--out', out);
    expect([r.code, r.stderrLines.length], r.stderr).toEqual([EXIT_FAILURE, 1]);
    expect(r.stderr).toMatch(
      /damaged\.csv:14: expected 31 columns, got 30 \(ragged row\); fix or remove that row, or leave bad rows out with --skip-bad$/,
    );
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
    const s = await aekit(
      'train',
      '--data',
      csv,
      ...args,
      '--skip-bad',
      '--epochs',
      '1',
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(
      /--data .*damaged\.csv: skipped 3 bad rows \(--skip-bad\): line 14 \(ragged: 30 of 31 fields\), line 30 \(column "column0": "abc" is not a number\), line 101 \(ragged: 30 of 31 fields\)$/m,
    );
    expect(s.stdout).toMatch(/on 408 rows of .*damaged\.csv/); // 566 rows: 113 held out, 45 validating
    expect(s.stdout).toMatch(/test MSE \S+ \(zscore units\) on 113 samples .* · 3 bad rows skipped$/m);
    const { meta } = await loadCheckpoint(out, { optimizer: false });
    expect(meta?.skipped).toHaveLength(3);
    // eval reads the run's rows again as the run read them: the bad ones skipped, the same test part.
    const ev = await aekit(
      'eval',
      '--checkpoint',
      out,
      '--report',
      join(root, 'damaged-report'),
      '--device',
      'wasm',
    );
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/on 113 samples/);
  }, 60_000);

  it("--missing mean fills gaps with the training rows' means; drop-rows leaves their rows out", async () => {
    const csv = join(root, 'holes.csv');
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7 === 3 ? 'NA' : i},${2 * i},"${i % 5}"`);
    await writeFile(csv, `a,b,c\n${rows.join('\n')}\n`);
    for (const [missing, said] of [
      ['mean', /6 missing values filled \(mean\)/],
      ['drop-rows', /6 missing values \(6 rows dropped\)/],
    ] as const) {
      const r = await aekit(
        'train',
        '--data',
        csv,
        '--missing',
        missing,
        '--model',
        'dense',
        '--latent-dim',
        '2',
        '--epochs',
        '1',
        '--device',
        'wasm',
        '--out',
        join(root, `holes-${missing}`),
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(said);
      expect(r.stdout).toMatch(/test MSE \d/);
    }
  }, 60_000);

  it('bad options exit 2 with the fix: an unknown column, a model without tables, --scale, a file kind', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--label-column', 'nope'],
        /--label-column "nope": .* has no such column; its columns are column0, column1/,
      ],
      [['--columns', '0,30', '--label-column', '30'], /--columns names the label column "column30"/],
      [['--model', 'conv'], /--model conv does not train on tables yet; use --model dense or deep/],
      [['--scale', 'log'], /--scale/],
    ];
    for (const [extra, message] of cases) {
      const r = await aekit(
        'train',
        '--data',
        table,
        '--skip-lines',
        '1',
        ...extra,
        '--out',
        join(root, 'x'),
      );
      expect(r.code, r.stderr).toBe(EXIT_USAGE);
      expect(r.stderr).toMatch(message);
    }
    await writeFile(join(root, 'rows.json'), '[]');
    const kind = await aekit('train', '--data', join(root, 'rows.json'), '--out', join(root, 'x'));
    expect(kind.code).toBe(EXIT_USAGE);
    expect(kind.stderr).toMatch(
      /unknown kind "\.json"; pass a \.csv, \.tsv, \.npy or \.npz file, or a folder of images/,
    );
    expect(existsSync(join(root, 'x', CHECKPOINT_MANIFEST))).toBe(false);
  });
});
