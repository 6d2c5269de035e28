// aekit train --init pca on real photo tiles (scikit-learn's china.jpg and flower.jpg, shipped in
// @aekit/datasets): a deep ReLU model started at PCA's solution matches or beats PCA with the same code size
// on held-out tiles, and the warm start itself reconstructs as PCA does on the tfjs backend.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@aekit/core/node';
import { loadColorPatches, readImageFile } from '@aekit/datasets';
import { Pca } from '@aekit/eval/baselines';
import { cropPng } from '@aekit/eval/images';
import { deepAutoencoder, pcaWarmStart } from '@aekit/models';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../main.js';
import { aekit } from '../test-utils/aekit.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-train-pca-'));
  const paths = loadColorPatches({ count: 1 }).sources.map((s) => s.path);
  for (const path of paths) {
    const photo = await readImageFile(path);
    const name = path.includes('china') ? 'china' : 'flower';
    await mkdir(join(root, 'photos', name), { recursive: true });
    // 200 tiles of 16 x 16 on a 20 x 10 grid over the photo.
    for (let t = 0; t < 200; t++) {
      const y0 = Math.floor((t % 10) * ((photo.height - 16) / 10));
      const x0 = Math.floor(Math.floor(t / 10) * ((photo.width - 16) / 20));
      await writeFile(join(root, 'photos', name, `${t}.png`), cropPng(photo, x0, y0, 16));
    }
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('aekit train --init pca', () => {
  it('the warm start reconstructs photo patches as PCA does on tfjs, within 1e-5, before any training', async () => {
    const x = loadColorPatches({ size: 8, count: 300, seed: 1 }).images;
    const pca = Pca.fit(x, 192, { components: 16 });
    const spec = deepAutoencoder({
      inputShape: [8, 8, 3],
      hidden: [48, 32],
      latentDim: 16,
      latentActivation: 'linear',
      outputActivation: 'linear',
      loss: 'mse',
    });
    const backend = createTfjsBackend({ device: 'wasm' });
    await backend.init();
    const model = await backend.createModel(spec, { seed: 0 });
    model.setWeights(pcaWarmStart(spec, pca, 0));
    const got = await model.reconstruct(x);
    const want = pca.reconstruct(x);
    model.dispose();
    expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-5);
  });

  it("deep on 16x16 photo tiles: test MSE at most PCA(16)'s from its own line, below it with clipped outputs", async () => {
    const r = await aekit(
      'train',
      '--data',
      join(root, 'photos'),
      '--image-size',
      '16x16',
      '--model',
      'deep',
      '--hidden',
      '1536',
      '--latent-dim',
      '16',
      '--init',
      'pca',
      '--epochs',
      '3',
      '--batch-size',
      '32',
      '--lr',
      '1e-4',
      '--device',
      'wasm',
      '--out',
      join(root, 'run'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /--init pca: started at PCA\(16\) of the 288 training samples, outputs clipped to \[0, 1\] · val MSE \S+ \(epoch 0\)/,
    );
    const m =
      /test MSE (\S+) \(minmax units\) on 80 samples · mean-sample baseline (\S+) · PCA\(16\) (\S+)/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(Number(m![3]));
    expect(Number(m![1])).toBeLessThan(Number(m![2]) / 10);
    // The clipped reconstruction is never further from a tile's value than PCA's: below it at full precision.
    const { meta = {} } = await loadCheckpoint(join(root, 'run'), { optimizer: false });
    const baselines = meta.baselines as { pca: { mse: number } };
    expect(meta.testMse as number).toBeLessThan(baselines.pca.mse);
  }, 60_000);

  it('refuses what it cannot start at PCA with the fix (exit 2)', async () => {
    const data = join(root, 'photos');
    const out = join(root, 'bad-run');
    // Each is refused once the data's shape is known: 40 images are enough.
    const few = ['--limit', '40', '--image-size', '16x16', '--device', 'wasm'];
    const conv = await aekit('train', ...['--data', data, ...few, '--init', 'pca', '--out', out]);
    expect(conv.code).toBe(EXIT_USAGE);
    expect(conv.stderr).toMatch(
      /--init pca: PCA warm start of model "conv": its encoder has a conv2d layer .*; use --model dense or deep/,
    );
    const small = await aekit(
      'train',
      '--data',
      data,
      ...few,
      '--model',
      'deep',
      '--hidden',
      '16',
      '--latent-dim',
      '16',
      '--init',
      'pca',
      '--out',
      out,
    );
    expect(small.code).toBe(EXIT_USAGE);
    expect(small.stderr).toMatch(/its hidden layer encoder.1 has 16 units; it needs at least 2k = 32/);
    const noVal = await aekit(
      'train',
      '--data',
      data,
      ...few,
      '--model',
      'dense',
      '--init',
      'pca',
      '--validation-fraction',
      '0',
      '--out',
      out,
    );
    expect(noVal.code).toBe(EXIT_USAGE);
    expect(noVal.stderr).toMatch(/--init pca keeps the best validation epoch.*leaves no validation samples/);
  });
});
