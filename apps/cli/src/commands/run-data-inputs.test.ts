// aekit run on the data kinds aekit train --data reads: a CSV table (its label column kept out), a .npz array
// and a series cut into windows, through exported models of random weights (nothing to train).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSpec } from '@aekit/core';
import { loadBreastCancer, loadEcg, readNpy } from '@aekit/datasets';
import { conv1dAutoencoder, deepAutoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../main.js';
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
