import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSpec } from '@aekit/core';
import { denseAutoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aekit, saveRandomCheckpoint } from '../test-utils/aekit.js';

async function checkpoint(path: string, spec: ModelSpec): Promise<void> {
  await saveRandomCheckpoint(path, spec, {
    seed: 2,
    scale: 0.1,
    epoch: 1,
    meta: { dataset: 'fashion-mnist' },
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-compare-shapes-'));
  await checkpoint(join(dir, 'mnist-run'), denseAutoencoder({ latentDim: 8 }));
  await checkpoint(join(dir, 'small-run'), denseAutoencoder({ inputShape: [14, 14, 1], latentDim: 8 }));
  const r = await aekit('export', '--checkpoint', join(dir, 'small-run'), '--out', join(dir, 'small.onnx'));
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aekit compare checks the ONNX model against the checkpoint (issue #14 item 9)', () => {
  it('an ONNX model of another input shape is a typed error naming both shapes and the fix', async () => {
    // biome-ignore format: flags in pairs
    const r = await aekit('compare', '--checkpoint', join(dir, 'mnist-run'), '--model', join(dir, 'small.onnx'),
      '--limit', '20', '--device', 'wasm');
    expect(r.code).toBe(1);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toBe(
      `error: --model ${join(dir, 'small.onnx')} ("dense") takes inputs of shape [14, 14, 1] but the checkpoint ${join(dir, 'mnist-run')} ("dense") takes [28, 28, 1]: they are not the same model; export this checkpoint and compare that: aekit export --checkpoint ${join(dir, 'mnist-run')} --part full --out model.onnx`,
    );
  });
});
