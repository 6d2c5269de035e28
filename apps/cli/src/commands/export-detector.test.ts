// aekit detect fit --score elbo | mse+latent-knn and aekit export --detector of those kinds, on scikit-learn's
// breast-cancer table (benign rows normal, malignant rows the anomalies) with a small VAE of seeded weights
// and a z-score scaler fitted on the benign rows: the exported graph gives the scores of detect score.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSpec } from '@aekit/core';
import { loadBreastCancer } from '@aekit/datasets';
import { denseAutoencoder, vae } from '@aekit/models';
import { createSession } from '@aekit/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../main.js';
import { aekit, saveRandomCheckpoint } from '../test-utils/aekit.js';

const D = 30;
const COLUMNS = Array.from({ length: D }, (_, j) => `f${j}`);
const meta = { options: { labelColumn: 'target' } };
let root: string;
let testRows: number[][];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-export-detector-'));
  const lines = (await readFile(loadBreastCancer().source.path, 'utf8')).trim().split('\n').slice(1);
  const benign = lines.filter((l) => l.endsWith(',1'));
  const header = [...COLUMNS, 'target'].join(',');
  const csv = (rows: string[]) => `${header}\n${rows.join('\n')}\n`;
  await writeFile(join(root, 'benign.csv'), csv(benign.slice(0, 280)));
  const test = [...benign.slice(280), ...lines.filter((l) => l.endsWith(',0'))];
  await writeFile(join(root, 'test.csv'), csv(test));
  testRows = test.map((l) => l.split(',').slice(0, D).map(Number));
  // A z-score scaler of the benign rows, as aekit train --data fits one.
  const rows = benign.slice(0, 280).map((l) => l.split(',').slice(0, D).map(Number));
  const offset = COLUMNS.map((_, j) => rows.reduce((a, r) => a + (r[j] as number), 0) / rows.length);
  const scale = COLUMNS.map((_, j) =>
    Math.sqrt(rows.reduce((a, r) => a + ((r[j] as number) - (offset[j] as number)) ** 2, 0) / rows.length),
  );
  const scaler = { type: 'zscore' as const, offset, scale };
  const spec = validateSpec({
    ...vae({ inputShape: [D], latentDim: 4, hiddenUnits: 16, beta: 0.5 }),
    loss: { reconstruction: 'mse', reduction: 'sum' },
    scaler,
  });
  await saveRandomCheckpoint(join(root, 'vae'), spec, { seed: 5, meta });
  await saveRandomCheckpoint(
    join(root, 'dense'),
    validateSpec({ ...denseAutoencoder({ inputShape: [D], latentDim: 4 }), scaler }),
    {
      seed: 5,
      meta,
    },
  );
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** detect fit, detect score and export --detector of `score` on the VAE; the ONNX graph on the raw test rows. */
async function fitScoreExport(score: string) {
  const det = join(root, `${score}.json`);
  const fit = await aekit(
    'detect',
    'fit',
    '--checkpoint',
    join(root, 'vae'),
    '--data',
    join(root, 'benign.csv'),
    '--score',
    score,
    '--threshold',
    'fpr:0.1',
    '--device',
    'wasm',
    '--out',
    det,
  );
  expect(fit.code, fit.stderr).toBe(0);
  const csv = join(root, `${score}.csv`);
  const scored = await aekit(
    'detect',
    'score',
    '--detector',
    det,
    '--data',
    join(root, 'test.csv'),
    '--device',
    'wasm',
    '--out',
    csv,
  );
  expect(scored.code, scored.stderr).toBe(0);
  const rows = (await readFile(csv, 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((r) => r.split(','));
  const onnxPath = join(root, `${score}.onnx`);
  const exp = await aekit('export', '--detector', det, '--out', onnxPath, '--device', 'wasm');
  expect(exp.code, exp.stderr).toBe(0);
  const session = await createSession(onnxPath);
  const result = await session.run({
    input: { data: Float32Array.from(testRows.flat()), shape: [testRows.length, D] },
  });
  await session.dispose();
  const onnxScores = result.score!.data as Float32Array;
  let relative = 0;
  rows.forEach((r, i) => {
    const s = Number(r[1]);
    relative = Math.max(relative, Math.abs(onnxScores[i]! - s) / Math.max(1, Math.abs(s)));
  });
  const flags = Array.from(result.is_anomaly!.data as ArrayLike<unknown>, (v) => (v ? '1' : '0'));
  return { exp, relative, flags, expectedFlags: rows.map((r) => r[2]), outputs: Object.keys(result) };
}

describe('aekit export --detector of the elbo and latent kNN scores', () => {
  it('elbo: the ONNX graph gives the scores of detect score (relative 1e-5) and its flags', async () => {
    const { exp, relative, flags, expectedFlags } = await fitScoreExport('elbo');
    expect(exp.stdout).toMatch(
      /elbo detector, input \[batch, 30\] of raw values -> feature_errors, score \(float32\)/,
    );
    expect(relative).toBeLessThanOrEqual(1e-5);
    expect(flags).toEqual(expectedFlags);
  }, 60_000);

  it('mse+latent-knn: the fitted codes inside the graph; the same flags as detect score', async () => {
    const { exp, relative, flags, expectedFlags } = await fitScoreExport('mse+latent-knn');
    expect(exp.stdout).toMatch(/latent kNN: distance to the k=5-th nearest of 224 stored codes/);
    expect(exp.stdout).toMatch(
      /parity with the detector on the same model in ONNX Runtime on 16 random inputs: max relative \|diff\| of the scores \S+ \(tolerance 0.00001\)/,
    );
    console.log(
      `mse+latent-knn on ${flags.length} test rows: ONNX vs detect score, max relative |diff| ${relative.toExponential(2)}`,
    );
    expect(relative).toBeLessThanOrEqual(1e-4);
    expect(flags).toEqual(expectedFlags);
  }, 60_000);

  it('elbo on a model without a Gaussian latent: exit 2 naming the model and the scores it can use', async () => {
    const fit = await aekit(
      'detect',
      'fit',
      '--checkpoint',
      join(root, 'dense'),
      '--data',
      join(root, 'benign.csv'),
      '--score',
      'elbo',
      '--device',
      'wasm',
      '--out',
      join(root, 'no.json'),
    );
    expect(fit.code).toBe(EXIT_USAGE);
    expect(fit.stderr).toMatch(
      /score elbo needs a VAE \(a Gaussian latent\); model "dense" has a deterministic latent\. Its scores: mse, mae, latent-knn/,
    );
  });
});
