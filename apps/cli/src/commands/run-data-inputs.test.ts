// aekit run on the data kinds aekit train --data reads: a CSV table (its label column kept out), a .npz array
// and a series cut into windows, through exported models of random weights (nothing to train).
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSpec } from '@aekit/core';
import { loadCheckpoint } from '@aekit/core/node';
import { loadBreastCancer, loadEcg, readNpy } from '@aekit/datasets';
import { conv1dAutoencoder, deepAutoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_USAGE } from '../main.js';
import { aekit, saveRandomCheckpoint } from '../test-utils/aekit.js';

let dir: string;
const table = loadBreastCancer().source.path; // "569,30,malignant,benign", then 30 features and the label

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

async function exported(name: string, spec: Parameters<typeof saveRandomCheckpoint>[1]): Promise<string> {
  await saveRandomCheckpoint(join(dir, name), spec, { seed: 5, scale: 0.2 });
  const onnx = join(dir, `${name}.onnx`);
  const r = await aekit(
    'export',
    '--checkpoint',
    join(dir, name),
    '--part',
    'full',
    '--out',
    onnx,
    '--device',
    'wasm',
  );
  expect(r.code, r.stderr).toBe(0);
  return onnx;
}

const shapeOf = async (file: string) => readNpy(new Uint8Array(await readFile(file)), file).shape;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-run-data-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aekit run --input <table.csv | series>', () => {
  it('a table: its rows, the label kept out; a series: windows of --window every --stride steps', async () => {
    const tableModel = await exported(
      'table',
      deepAutoencoder({
        inputShape: [30],
        hidden: [8],
        latentDim: 4,
        outputActivation: 'linear',
        loss: 'mse',
      }),
    );
    const out = join(dir, 'table-out');
    const r = await aekit(
      'run',
      '--model',
      tableModel,
      '--input',
      table,
      '--skip-lines',
      '1',
      '--label-column',
      '-1',
      '--device',
      'cpu',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(await shapeOf(join(out, 'reconstructions.npy'))).toEqual([569, 30]);
    expect(await shapeOf(join(out, 'latents.npy'))).toEqual([569, 4]);
    // Ten of its rows, one of them ragged: exit 1 naming the line and --skip-bad; with it, nine rows.
    const ten = readFileSync(table, 'utf8').split('\n').slice(1, 11);
    ten[4] = ten[4]!.split(',').slice(1).join(',');
    await writeFile(join(dir, 'ten.csv'), `${ten.join('\n')}\n`);
    const tenArgs = ['run', '--model', tableModel, '--input', join(dir, 'ten.csv'), '--label-column', '-1'];
    const ragged = await aekit(...tenArgs, '--device', 'cpu', '--out', join(dir, 'ten-out'));
    expect([ragged.code, ragged.stderrLines.length]).toEqual([EXIT_FAILURE, 1]);
    expect(ragged.stderr).toMatch(
      /ten\.csv:5: expected 31 columns, got 30 \(ragged row\); .* with --skip-bad$/,
    );
    const skipped = await aekit(...tenArgs, '--skip-bad', '--device', 'cpu', '--out', join(dir, 'ten-out'));
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toMatch(
      /ten\.csv: skipped 1 bad row \(--skip-bad\): line 5 \(ragged: 30 of 31 fields\)/,
    );
    expect(await shapeOf(join(dir, 'ten-out', 'reconstructions.npy'))).toEqual([9, 30]);
    // A text id column (--id-column) kept out of the features beside the label.
    const rows = readFileSync(table, 'utf8').trim().split('\n').slice(1, 11);
    const header = [...Array.from({ length: 30 }, (_, j) => `f${j}`), 'target'].join(',');
    await writeFile(
      join(dir, 'ids.csv'),
      `name,${header}\n${rows.map((r, i) => `"row ${i}, a",${r}`).join('\n')}\n`,
    );
    const ids = await aekit(
      ...['run', '--model', tableModel, '--input', join(dir, 'ids.csv'), '--id-column', 'name'],
      ...['--label-column', 'target', '--device', 'cpu', '--out', join(dir, 'ids-out')],
    );
    expect(ids.code, ids.stderr).toBe(0);
    expect(await shapeOf(join(dir, 'ids-out', 'reconstructions.npy'))).toEqual([10, 30]);

    const ecg = join(dir, 'ecg.npy');
    await writeFile(ecg, npy1d(loadEcg().signal.subarray(0, 6400)));
    const seriesModel = validateSpec(
      conv1dAutoencoder({ timesteps: 64, features: 1, filters: [4, 4], latentDim: 4 }),
    );
    const onnx = await exported('series', seriesModel);
    const s = await aekit(
      'run',
      '--model',
      onnx,
      '--input',
      ecg,
      '--window',
      '64',
      '--stride',
      '32',
      '--device',
      'cpu',
      '--out',
      join(dir, 'series-out'),
    );
    expect(s.code, s.stderr).toBe(0);
    // (6400 - 64) / 32 + 1 = 199 windows.
    expect(await shapeOf(join(dir, 'series-out', 'reconstructions.npy'))).toEqual([199, 64, 1]);
    const bad = await aekit(
      'run',
      '--model',
      onnx,
      '--input',
      ecg,
      '--stride',
      '32',
      '--out',
      join(dir, 'x'),
    );
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.stderr).toMatch(/--stride needs --window/);
  }, 60_000);
});

describe('aekit run / compare / eval --missing mean', () => {
  it("fill a new file's gaps with the training means kept in the checkpoint and the export, not the file's own", async () => {
    // The real breast-cancer rows: 200 to train on (every tenth "mean radius" left empty), 60 to test.
    const rows = readFileSync(table, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(0, 30));
    const csv = (part: string[][]) => `${part.map((r) => r.join(',')).join('\n')}\n`;
    const train = rows.slice(0, 200).map((r, i) => (i % 10 === 3 ? ['', ...r.slice(1)] : r));
    const known = train.filter((r) => r[0] !== '').map((r) => Math.fround(Number(r[0])));
    const trainMean = known.reduce((a, b) => a + b, 0) / known.length;
    await writeFile(join(dir, 'gappy-train.csv'), csv(train));
    await writeFile(join(dir, 'gappy-test.csv'), csv(rows.slice(200, 260)));
    const run = join(dir, 'gappy');
    const t = await aekit(
      'train',
      '--data',
      join(dir, 'gappy-train.csv'),
      '--test-data',
      join(dir, 'gappy-test.csv'),
      '--missing',
      'mean',
      '--model',
      'dense',
      '--latent-dim',
      '4',
      '--epochs',
      '1',
      '--device',
      'wasm',
      '--out',
      run,
    );
    expect(t.code, t.stderr).toBe(0);
    const { meta } = await loadCheckpoint(run, { optimizer: false });
    const stored = meta?.missingFill as { policy: string; fill: number[] };
    expect(stored.policy).toBe('mean');
    expect(stored.fill).toHaveLength(30);
    expect(stored.fill[0]).toBeCloseTo(trainMean, 4);
    const onnx = join(dir, 'gappy.onnx');
    const e = await aekit('export', '--checkpoint', run, '--out', onnx, '--device', 'wasm');
    expect(e.code, e.stderr).toBe(0);

    // A new file: a row without its first value after one whose first value (1000) pulls the file's own mean
    // far from the training one (a gap in the first line would make it a header); and the same rows with the
    // training mean written in.
    const [a, b] = [rows[300]!, rows[301]!];
    const newRows = (first: string) =>
      csv([
        ['1000', ...b.slice(1)],
        [first, ...a.slice(1)],
      ]);
    await writeFile(join(dir, 'new-gap.csv'), newRows(''));
    await writeFile(join(dir, 'new-filled.csv'), newRows(String(stored.fill[0])));
    const outputs: Float32Array[] = [];
    for (const name of ['new-gap', 'new-filled']) {
      const out = join(dir, `${name}-out`);
      const r = await aekit(
        'run',
        '--model',
        onnx,
        '--input',
        join(dir, `${name}.csv`),
        '--device',
        'cpu',
        '--out',
        out,
      );
      expect(r.code, r.stderr).toBe(0);
      if (name === 'new-gap') {
        expect(r.stdout).toMatch(
          /new-gap\.csv: 1 missing value filled with the model's training means \(--missing mean\)/,
        );
      }
      const file = join(out, 'reconstructions.npy');
      outputs.push(
        Float32Array.from(readNpy(new Uint8Array(await readFile(file)), file).data as Float32Array),
      );
    }
    expect(outputs[0]).toEqual(outputs[1]);
    // --missing error still refuses the gap; a model trained without mean has no means to fill with.
    const refused = await aekit(
      'run',
      '--model',
      onnx,
      '--input',
      join(dir, 'new-gap.csv'),
      '--missing',
      'error',
      '--out',
      join(dir, 'x'),
    );
    expect([refused.code, refused.stderrLines.length]).toEqual([EXIT_FAILURE, 1]);
    expect(refused.stderr).toMatch(/new-gap\.csv:2: column "column0" \(index 0\) has no value/);

    // compare and eval fill the run's own gaps with the stored means too.
    const c = await aekit(
      'compare',
      '--checkpoint',
      run,
      '--model',
      onnx,
      '--device',
      'wasm',
      '--tolerance',
      '1e-5',
    );
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/on 200 raw samples of .*gappy-train\.csv: max \|diff\| \S+, .*: agree$/m);
    const c2 = await aekit(
      'compare',
      '--checkpoint',
      run,
      '--model',
      onnx,
      '--input',
      join(dir, 'new-gap.csv'),
      '--device',
      'wasm',
      '--tolerance',
      '1e-5',
    );
    expect(c2.code, c2.stderr).toBe(0);
    const ev = await aekit(
      'eval',
      '--checkpoint',
      run,
      '--report',
      join(dir, 'gappy-report'),
      '--device',
      'wasm',
    );
    expect(ev.code, ev.stderr).toBe(0);
    const mse = /test MSE (\S+) \(zscore units\) on 60 samples/.exec(t.stdout)?.[1];
    expect(ev.stdout).toContain(`test MSE ${mse} (zscore units) on 60 samples`);
  }, 60_000);

  it('--missing mean on a model trained without it: exit 2 and the fix', async () => {
    const onnx = await exported(
      'no-means',
      deepAutoencoder({
        inputShape: [2],
        hidden: [4],
        latentDim: 1,
        outputActivation: 'linear',
        loss: 'mse',
      }),
    );
    await writeFile(join(dir, 'two.csv'), 'a,b\n1,\n3,4\n');
    const r = await aekit(
      'run',
      '--model',
      onnx,
      '--input',
      join(dir, 'two.csv'),
      '--missing',
      'mean',
      '--out',
      join(dir, 'x'),
    );
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toMatch(
      /--missing mean: .*no-means\.onnx holds no training means \(it was trained with --missing error\); retrain it with --missing mean/,
    );
  }, 30_000);
});
