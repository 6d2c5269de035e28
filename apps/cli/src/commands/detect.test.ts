// aekit detect fit / score and aekit export --detector, on a real table (scikit-learn's breast cancer: benign
// rows normal, malignant rows the anomalies) and on an image folder (tiles of two photos shipped in
// @aekit/datasets: china normal, flower the anomalies).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBreastCancer, loadColorPatches, readImageFile } from '@aekit/datasets';
import { encodePng } from '@aekit/eval/images';
import { createSession } from '@aekit/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_USAGE } from '../main.js';
import { aekit } from '../test-utils/aekit.js';

let root: string;
const COLUMNS = Array.from({ length: 30 }, (_, j) => `f${j}`);
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-detect-'));
  const lines = (await readFile(loadBreastCancer().source.path, 'utf8')).trim().split('\n').slice(1);
  const benign = lines.filter((l) => l.endsWith(',1'));
  const header = [...COLUMNS, 'target'].join(',');
  const csv = (rows: string[]) => `${header}\n${rows.join('\n')}\n`;
  await writeFile(join(root, 'benign-train.csv'), csv(benign.slice(0, 200)));
  await writeFile(join(root, 'benign-cal.csv'), csv(benign.slice(200, 280)));
  await writeFile(
    join(root, 'test.csv'),
    csv([...benign.slice(280), ...lines.filter((l) => l.endsWith(',0'))]),
  );
  await writeFile(join(root, 'renamed.csv'), csv(benign.slice(280)).replace('f3,', 'area,'));
  // The same rows behind a text id column (quoted, one with a comma).
  const withIds = (rows: string[]) =>
    `name,${header}\n${rows.map((r, i) => `${i === 1 ? '"p1, b"' : `p${i}`},${r}`).join('\n')}\n`;
  await writeFile(join(root, 'benign-train-ids.csv'), withIds(benign.slice(0, 200)));
  // The test rows with class names in the label column.
  const named = (await readFile(join(root, 'test.csv'), 'utf8'))
    .replace(/,1$/gm, ',benign')
    .replace(/,0$/gm, ',malignant');
  await writeFile(join(root, 'test-named.csv'), named);
  await writeFile(
    join(root, 'test-ids.csv'),
    withIds([...benign.slice(280), ...lines.filter((l) => l.endsWith(',0'))]),
  );
  // Image folders: 16x16 grey tiles; normal = china, anomalies = flower.
  for (const path of loadColorPatches({ count: 1 }).sources.map((s) => s.path)) {
    const photo = await readImageFile(path);
    const name = path.includes('china') ? 'china' : 'flower';
    for (let t = 0; t < 60; t++) {
      const y0 = Math.floor((t % 6) * ((photo.height - 32) / 6));
      const x0 = Math.floor(Math.floor(t / 6) * ((photo.width - 32) / 10));
      const tile = new Uint8Array(32 * 32);
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++)
          tile[y * 32 + x] = Math.round(
            photo.data[((y0 + y) * photo.width + x0 + x) * photo.channels]! * 255,
          );
      const dirs =
        name === 'flower' ? [join('scored', 'flower')] : t < 40 ? ['normal'] : [join('scored', 'china')];
      for (const d of dirs) {
        await mkdir(join(root, d), { recursive: true });
        await writeFile(join(root, d, `${name}-${String(t).padStart(2, '0')}.png`), encodePng(tile, 32, 32));
      }
    }
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A .npy (float32, C order) of `data` with `shape`. */
function npy(data: Float32Array, shape: number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer), 10 + header.length);
  return out;
}

/** The rows of a scores CSV. */
async function readScores(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const [head, ...rows] = (await readFile(path, 'utf8')).trim().split('\n');
  return { header: head!.split(','), rows: rows.map((r) => r.split(',')) };
}

describe('aekit detect on a table', () => {
  it('fits at fpr:0.05, scores in input order with per-feature errors and labels, exports a matching ONNX graph', async () => {
    const run = join(root, 'cancer');
    const train = await aekit(
      'train',
      '--data',
      join(root, 'benign-train.csv'),
      '--label-column',
      'target',
      '--model',
      'deep',
      '--hidden',
      '32',
      '--latent-dim',
      '5',
      '--epochs',
      '60',
      '--lr',
      '0.003',
      '--batch-size',
      '32',
      '--patience',
      '0',
      '--device',
      'wasm',
      '--out',
      run,
    );
    expect(train.code, train.stderr).toBe(0);
    const det = join(root, 'cancer.detector.json');
    const fit = await aekit(
      'detect',
      'fit',
      '--checkpoint',
      run,
      '--data',
      join(root, 'benign-train.csv'),
      '--calibration-data',
      join(root, 'benign-cal.csv'),
      '--threshold',
      'fpr:0.05',
      '--device',
      'wasm',
      '--out',
      det,
    );
    expect(fit.code, fit.stderr).toBe(0);
    expect(fit.stdout).toMatch(/threshold fpr:0.05: \S+; expected false-alarm rate 5.00%/);
    expect(fit.stdout).toMatch(/calibrated on 80 of .*benign-cal.csv/);
    const file = JSON.parse(await readFile(det, 'utf8'));
    expect(file).toMatchObject({ format: 'aekit-detector', version: 2, score: 'mse', columns: COLUMNS });
    const out = join(root, 'cancer-scores.csv');
    const score = await aekit(
      'detect',
      'score',
      '--detector',
      det,
      '--data',
      join(root, 'test.csv'),
      '--labels',
      '--anomaly-label',
      '0',
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(score.code, score.stderr).toBe(0);
    const { header, rows } = await readScores(out);
    expect(header.slice(0, 4)).toEqual(['id', 'score', 'is_anomaly', 'error_f0']);
    expect(header).toHaveLength(33);
    expect(rows).toHaveLength(77 + 212);
    expect(rows.map((r) => r[0])).toEqual(rows.map((_, i) => String(i)));
    const auroc = Number(/AUROC (\S+),/.exec(score.stdout)?.[1]);
    expect(auroc, score.stdout).toBeGreaterThan(0.9);
    expect(score.stdout).toMatch(
      /PR-AUC \S+; at the threshold precision \S+, recall \S+, false-positive rate \S+/,
    );
    // The benign test rows (first 77): about 5% flagged (a small sample: within 0.15).
    const benignFlagged = rows.slice(0, 77).filter((r) => r[2] === '1').length / 77;
    expect(benignFlagged).toBeLessThan(0.15);

    const onnxPath = join(root, 'cancer-detector.onnx');
    const exp = await aekit('export', '--detector', det, '--out', onnxPath, '--device', 'wasm');
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stdout).toMatch(/is_anomaly \(bool: score > /);
    // The ONNX graph on the raw rows gives the CSV's scores.
    const values = new Float32Array(
      (await readFile(join(root, 'test.csv'), 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .flatMap((l) => l.split(',').slice(0, 30).map(Number)),
    );
    const session = await createSession(onnxPath);
    const result = await session.run({ input: { data: values, shape: [rows.length, 30] } });
    await session.dispose();
    const onnxScores = result.score!.data as Float32Array;
    let max = 0;
    rows.forEach((r, i) => {
      max = Math.max(max, Math.abs(onnxScores[i]! - Number(r[1])) / Math.max(1, Number(r[1])));
    });
    expect(max).toBeLessThanOrEqual(1e-5);
    const flags = Array.from(result.is_anomaly!.data as ArrayLike<unknown>, (v) => (v ? '1' : '0'));
    expect(flags).toEqual(rows.map((r) => r[2]));

    // Other columns than fitted on: exit 1 naming both; nothing written.
    const bad = await aekit(
      'detect',
      'score',
      '--detector',
      det,
      '--data',
      join(root, 'renamed.csv'),
      '--device',
      'wasm',
      '--out',
      join(root, 'bad.csv'),
    );
    expect(bad.code).toBe(EXIT_FAILURE);
    expect(bad.stderr).toMatch(/columns f0,f1,f2,area,.* but the detector was fitted on f0,f1,f2,f3,/);
    expect(existsSync(join(root, 'bad.csv'))).toBe(false);

    // --id-column: a text id column kept out of the features, written as the id; the same scores.
    const idsOut = join(root, 'ids-scores.csv');
    const args = [
      'detect',
      'score',
      '--detector',
      det,
      '--data',
      join(root, 'test-ids.csv'),
      '--device',
      'wasm',
    ];
    const byId = await aekit(...args, '--id-column', 'name', '--out', idsOut);
    expect(byId.code, byId.stderr).toBe(0);
    const named = await readFile(idsOut, 'utf8');
    expect(named.split('\n')[2]).toMatch(/^"p1, b",/);
    const idRows = named.trim().split('\n').slice(1);
    expect(idRows.map((r) => r.split(',').at(-32))).toEqual(rows.map((r) => r[1]));
    expect(idRows[0]!.split(',')[0]).toBe('p0');
    const unknown = await aekit(...args, '--id-column', 'patient', '--out', join(root, 'u.csv'));
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.stderr.trim()).toMatch(
      /^error: --id-column "patient": \S*test-ids\.csv has no such column; its columns are name, f0, f1, .*, target \(or 0-based indices below 32\)$/,
    );
    expect(existsSync(join(root, 'u.csv'))).toBe(false);
    // --labels on a label column of class names: --anomaly-label names the anomalies' class.
    const byName = await aekit(
      ...['detect', 'score', '--detector', det, '--data', join(root, 'test-named.csv'), '--labels'],
      ...['--anomaly-label', 'malignant', '--device', 'wasm', '--out', join(root, 'named.csv')],
    );
    expect(byName.code, byName.stderr).toBe(0);
    expect(/labels \(212 anomalies of 289\): AUROC (\S+),/.exec(byName.stdout)?.[1]).toBe(auroc.toFixed(4));
    const noSuch = await aekit(
      ...['detect', 'score', '--detector', det, '--data', join(root, 'test-named.csv'), '--labels'],
      ...['--anomaly-label', 'cancer', '--device', 'wasm', '--out', join(root, 'named.csv')],
    );
    expect(noSuch.code).toBe(EXIT_USAGE);
    expect(noSuch.stderr).toMatch(
      /--anomaly-label cancer: the label column of \S+ holds no cancer; its labels are benign, malignant/,
    );
    // detect fit --id-column: kept out of the features there, and detect score's default.
    const idDet = join(root, 'ids.detector.json');
    const idFit = await aekit(
      'detect',
      'fit',
      '--checkpoint',
      run,
      '--data',
      join(root, 'benign-train-ids.csv'),
      '--id-column',
      'name',
      '--device',
      'wasm',
      '--out',
      idDet,
    );
    expect(idFit.code, idFit.stderr).toBe(0);
    const byDefault = await aekit(
      'detect',
      'score',
      '--detector',
      idDet,
      '--data',
      join(root, 'test-ids.csv'),
      '--device',
      'wasm',
      '--out',
      idsOut,
    );
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect((await readFile(idsOut, 'utf8')).split('\n')[2]).toMatch(/^"p1, b",/);
    // f1 on labelled calibration data (benign and malignant rows).
    const f1 = await aekit(
      'detect',
      'fit',
      '--checkpoint',
      run,
      '--data',
      join(root, 'benign-train.csv'),
      '--calibration-data',
      join(root, 'test.csv'),
      '--threshold',
      'f1',
      '--anomaly-label',
      '0',
      '--device',
      'wasm',
      '--out',
      join(root, 'f1.json'),
    );
    expect(f1.code, f1.stderr).toBe(0);
    expect(f1.stdout).toMatch(/threshold f1: \S+; expected false-alarm rate not set by this rule/);
    const rule = await aekit('detect', 'fit', '--checkpoint', run, '--data', 'x.csv', '--threshold', 'p99');
    expect(rule.code).toBe(EXIT_USAGE);
    expect(rule.stderr).toMatch(/not one of percentile:99, fpr:0.01/);
  }, 120_000);
});

describe('aekit train --id-column', () => {
  it('trains on a table with a text id column; detect fit and score take it from the checkpoint', async () => {
    const run = join(root, 'ids-run');
    const train = await aekit(
      ...['train', '--data', join(root, 'benign-train-ids.csv'), '--id-column', 'name'],
      ...['--label-column', 'target', '--model', 'deep', '--hidden', '16', '--latent-dim', '4'],
      ...['--epochs', '2', '--patience', '0', '--device', 'wasm', '--out', run],
    );
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/on 144 rows of .*benign-train-ids.csv \(30 columns\)/);
    const det = join(root, 'ids-run.detector.json');
    const fit = await aekit(
      ...['detect', 'fit', '--checkpoint', run, '--data', join(root, 'benign-train-ids.csv')],
      ...['--device', 'wasm', '--out', det],
    );
    expect(fit.code, fit.stderr).toBe(0);
    const out = join(root, 'ids-run.csv');
    const score = await aekit(
      ...['detect', 'score', '--detector', det, '--data', join(root, 'test-ids.csv')],
      ...['--device', 'wasm', '--out', out],
    );
    expect(score.code, score.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1 + 77 + 212);
    expect(lines[1]).toMatch(/^p0,/);
    expect(lines[2]).toMatch(/^"p1, b",/);
  }, 60_000);
});

describe('aekit detect on an image folder', () => {
  it('fits, scores one row per file, writes heat maps and label metrics; another shape and NaN are refused', async () => {
    const run = join(root, 'tiles');
    const train = await aekit(
      'train',
      '--data',
      join(root, 'normal'),
      '--image-size',
      '16x16',
      '--channels',
      '1',
      '--model',
      'conv',
      '--epochs',
      '6',
      '--batch-size',
      '8',
      '--lr',
      '0.003',
      '--patience',
      '0',
      '--validation-fraction',
      '0',
      '--device',
      'wasm',
      '--out',
      run,
    );
    expect(train.code, train.stderr).toBe(0);
    const det = join(run, 'detector.json');
    const fit = await aekit(
      'detect',
      'fit',
      '--checkpoint',
      run,
      '--data',
      join(root, 'normal'),
      '--threshold',
      'percentile:90',
      '--device',
      'wasm',
    );
    expect(fit.code, fit.stderr).toBe(0);
    expect(fit.stdout).toMatch(/fitted on 32 and calibrated on 8 held out of/);
    expect(fit.stderr).toMatch(/note: the model was trained on/);
    expect(existsSync(join(run, 'detector.scores.svg'))).toBe(true);
    const out = join(root, 'tiles.csv');
    const heat = join(root, 'heat');
    const score = await aekit(
      'detect',
      'score',
      '--detector',
      det,
      '--data',
      join(root, 'scored'),
      '--heatmaps',
      heat,
      '--top-k',
      '3',
      '--labels',
      '--anomaly-label',
      'flower',
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(score.code, score.stderr).toBe(0);
    const { header, rows } = await readScores(out);
    expect(header).toEqual(['id', 'score', 'is_anomaly']);
    expect(rows.map((r) => r[0])).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `china/china-${40 + i}.png`),
      ...Array.from({ length: 60 }, (_, i) => `flower/flower-${String(i).padStart(2, '0')}.png`),
    ]);
    expect(score.stdout).toMatch(/labels \(60 anomalies of 80\): AUROC \S+/);
    expect((await readdir(heat)).sort()).toHaveLength(3);
    // Samples of another shape (an 8x8 array) and NaN in the input: exit 1, naming both shapes / the value.
    const other = join(root, 'other.npy');
    await writeFile(other, npy(new Float32Array(2 * 64).fill(0.5), [2, 8, 8, 1]));
    const wrong = await aekit(
      'detect',
      'score',
      '--detector',
      det,
      '--data',
      other,
      '--out',
      join(root, 'o.csv'),
    );
    expect(wrong.code).toBe(EXIT_FAILURE);
    expect(wrong.stderr).toMatch(/shape \[8, 8, 1\] but the detector was fitted on \[16, 16, 1\]/);
    const nan = join(root, 'nan.npy');
    await writeFile(nan, npy(new Float32Array(2 * 256).fill(Number.NaN), [2, 16, 16, 1]));
    const withNan = await aekit(
      'detect',
      'score',
      '--detector',
      det,
      '--data',
      nan,
      '--out',
      join(root, 'n.csv'),
    );
    expect(withNan.code).toBe(EXIT_FAILURE);
    expect(withNan.stderr).toMatch(/NaN/);
    expect(existsSync(join(root, 'o.csv')) || existsSync(join(root, 'n.csv'))).toBe(false);
  }, 120_000);
});
