// aekit train --data <folder>: tiles of two real photos (scikit-learn's china.jpg and flower.jpg, shipped in
// @aekit/datasets) in one subfolder per photo, of another size and aspect than the model's input.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@aekit/core/node';
import { loadColorPatches, readImageFile } from '@aekit/datasets';
import { cropPng } from '@aekit/eval/images';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_USAGE } from '../main.js';
import { aekit } from '../test-utils/aekit.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-train-images-'));
  const paths = loadColorPatches({ count: 1 }).sources.map((s) => s.path);
  for (const path of paths) {
    const photo = await readImageFile(path);
    const name = path.includes('china') ? 'china' : 'flower';
    await mkdir(join(root, 'photos', name), { recursive: true });
    // 60 tiles of 40 x 56 (h x w) on a grid over the photo.
    for (let t = 0; t < 60; t++) {
      const y0 = Math.floor((t % 6) * ((photo.height - 40) / 6));
      const x0 = Math.floor(Math.floor(t / 6) * ((photo.width - 56) / 10));
      await writeFile(join(root, 'photos', name, `${t}.png`), cropPng(photo, x0, y0, 56, 40));
    }
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('aekit train --data <image folder>', () => {
  it('trains conv on 16x16 crops, beats the mean image, and its export agrees with the checkpoint on the folder', async () => {
    const out = join(root, 'run');
    const data = join(root, 'photos');
    const r = await aekit(
      'train',
      '--data',
      data,
      '--image-size',
      '16x16',
      '--model',
      'conv',
      '--epochs',
      '4',
      '--batch-size',
      '16',
      '--lr',
      '0.003',
      '--patience',
      '0',
      '--validation-fraction',
      '0',
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on 96 16x16x3 images of .*photos, minmax scaled/);
    const m =
      /test MSE (\S+) \(minmax units\) on 24 samples · mean-sample baseline (\S+) · PCA\(32\) (\S+)/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(Number(m![2]));
    expect(existsSync(join(out, 'reconstructions.png'))).toBe(true);
    const { spec } = await loadCheckpoint(out, { optimizer: false });
    expect(spec.scaler?.type).toBe('minmax');
    expect(spec.scaler?.offset).toHaveLength(3);
    const onnx = join(out, 'full.onnx');
    expect((await aekit('export', '--checkpoint', out, '--out', onnx, '--device', 'wasm')).code).toBe(0);
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
    expect(c.stdout).toMatch(/on 120 raw samples of .*photos: .* in scaled units .*: agree$/m);
    // export checks parity on the folder's own images, and run takes the folder as its input.
    const onnx2 = join(root, 'full-data.onnx');
    const e = await aekit('export', '--checkpoint', out, '--out', onnx2, '--data', data, '--device', 'wasm');
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/parity with the checkpoint .* on 16 samples of .*photos: max \|diff\|/);
    const runOut = join(root, 'run-out');
    const run = await aekit('run', '--model', onnx, '--input', data, '--out', runOut, '--device', 'cpu');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/full "conv" on .*: 120 samples of \[16, 16, 3\]/);
    expect(existsSync(join(runOut, 'reconstructions.npy'))).toBe(true);
  }, 180_000);

  it('bad input: a non-image in the folder (exit 1, nothing written), a bad --image-size or --scale (exit 2)', async () => {
    const bad = join(root, 'bad');
    await mkdir(join(bad, 'a'), { recursive: true });
    await writeFile(join(bad, 'a', 'notes.txt'), 'not a picture');
    const out = join(root, 'bad-run');
    const r = await aekit('train', '--data', bad, '--device', 'wasm', '--out', out);
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderr).toMatch(/notes\.txt: not a PNG or JPEG file .*move it out of the folder/);
    expect(existsSync(join(out, 'checkpoint.json'))).toBe(false);
    const size = await aekit('train', '--data', join(root, 'photos'), '--image-size', '0x16', '--out', out);
    expect(size.code).toBe(EXIT_USAGE);
    expect(size.stderr).toMatch(/--image-size must be HxW in pixels/);
    const z = await aekit('train', '--data', join(root, 'photos'), '--scale', 'zscore', '--out', out);
    expect(z.code).toBe(EXIT_USAGE);
    expect(z.stderr).toMatch(/--scale zscore gives image values outside \[0, 1\]/);
  });
});
