import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type ModelSpec } from '@aekit/core';
import { imageGrid, imageGridPixels } from '@aekit/eval/images';
import { denseAutoencoder, vae } from '@aekit/models';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aekit, saveRandomCheckpoint } from '../test-utils/aekit.js';
import { lerpCodes } from './interpolate.js';

let dir: string;
const vaeSpec = vae({ latentDim: 2, hiddenUnits: 16 });

async function save(name: string, spec: ModelSpec) {
  return saveRandomCheckpoint(join(dir, name), spec, {
    seed: 5,
    scale: 0.5,
    meta: { dataset: 'fashion-mnist' },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-cli-sample-'));
  await save('vae', vaeSpec);
  await save('dense', denseAutoencoder({ latentDim: 4 }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aekit sample / interpolate', () => {
  it('sample writes the decoded prior codes as a PNG grid, reproducible from the seed', async () => {
    const out = join(dir, 'samples.png');
    const r = await aekit(
      'sample',
      '--checkpoint',
      join(dir, 'vae'),
      '--n',
      '9',
      '--seed',
      '4',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    // The same codes decoded by a model loaded with the same weights give the same picture, byte for byte.
    const model = await createTfjsBackend().createModel(vaeSpec);
    const { loadCheckpoint } = await import('@aekit/core/node');
    model.setWeights((await loadCheckpoint(join(dir, 'vae'))).weights);
    const rng = createRng(4);
    const z = new Float32Array(9 * 2).map(() => rng.normal());
    const expected = imageGrid([await model.decode(z)], [28, 28, 1], { columns: 3 });
    model.dispose();
    expect(Buffer.compare(Buffer.from(await readFile(out)), Buffer.from(expected))).toBe(0);
  });

  it('sample refuses a model without a Gaussian code', async () => {
    const r = await aekit('sample', '--checkpoint', join(dir, 'dense'), '--out', join(dir, 'x.png'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/needs a VAE/);
  });

  it('interpolate writes originals and the decoded line between their codes', async () => {
    const out = join(dir, 'interp.png');
    const r = await aekit(
      'interpolate',
      '--checkpoint',
      join(dir, 'dense'),
      '--from',
      '0',
      '--to',
      '3',
      '--steps',
      '5',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const png = decode(await readFile(out));
    const layout = imageGridPixels([new Float32Array(7 * 784)], [28, 28, 1], { columns: 7 });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
  });

  it('lerpCodes starts and ends at the two codes and moves linearly', () => {
    const codes = lerpCodes(Float32Array.of(0, 2), Float32Array.of(4, -2), 5);
    expect([...codes]).toEqual([0, 2, 1, 1, 2, 0, 3, -1, 4, -2]);
  });
});
