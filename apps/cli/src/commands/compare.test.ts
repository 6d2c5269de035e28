import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aekit } from '../test-utils/aekit.js';

describe('aekit compare', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aekit-compare-'));
    // biome-ignore format: flags in pairs
    const train = await aekit('train', '--model', 'dense', '--epochs', '1', '--limit', '300', '--test-limit', '50',
      '--device', 'wasm', '--out', join(dir, 'run'));
    expect(train.code, train.stderr).toBe(0);
    const exported = await aekit(
      'export',
      '--checkpoint',
      join(dir, 'run'),
      '--out',
      join(dir, 'model.onnx'),
    );
    expect(exported.code, exported.stderr).toBe(0);
  });

  it('finds the ONNX model and its tfjs checkpoint in agreement on real test images', async () => {
    // biome-ignore format: flags in pairs
    const r = await aekit('compare', '--checkpoint', join(dir, 'run'), '--model', join(dir, 'model.onnx'),
      '--limit', '200', '--device', 'wasm');
    expect(r.code, r.stderr).toBe(0);
    const match =
      /on 200 images of fashion-mnist test: max \|diff\| (\S+), mean \|diff\| (\S+) .*: agree$/m.exec(
        r.stdout,
      );
    expect(match, r.stdout).not.toBeNull();
    expect(Number(match![1])).toBeLessThan(1e-5);
    expect(Number(match![2])).toBeLessThan(1e-6);
  });

  it('fails with one line and a non-zero exit when the difference exceeds the tolerance', async () => {
    // biome-ignore format: flags in pairs
    const r = await aekit('compare', '--checkpoint', join(dir, 'run'), '--model', join(dir, 'model.onnx'),
      '--limit', '50', '--device', 'wasm', '--tolerance', '1e-30');
    expect(r.code).toBe(1);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^error: the ONNX model's reconstructions differ .* \(> 1e-30\)/);
  });
});
