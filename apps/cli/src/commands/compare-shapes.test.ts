import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type ModelSpec, paramInfos } from '@aekit/core';
import { saveCheckpoint } from '@aekit/core/node';
import { denseAutoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIo } from '../test-utils/capture-io.js';

async function aekit(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.filter(Boolean) };
}

async function checkpoint(path: string, spec: ModelSpec): Promise<void> {
  const rng = createRng(2);
  const weights = paramInfos(spec).map((p) => ({
    name: p.name,
    shape: p.shape,
    data: Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => (rng.next() - 0.5) * 0.1),
  }));
  await saveCheckpoint(path, {
    spec,
    weights,
    training: { step: 0, epoch: 1 },
    meta: { dataset: 'fashion-mnist' },
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-compare-shapes-'));
  await checkpoint(join(dir, 'mnist-run'), denseAutoencoder({ latentDim: 8 }));
  await checkpoint(join(dir, 'small-run'), denseAutoencoder({ inputShape: [14, 14, 1], latentDim: 8 }));
  const r = await aekit('export', '--checkpoint', join(dir, 'small-run'), '--out', join(dir, 'small.onnx'));
  expect(r.code, r.stderr.join('\n')).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aekit compare checks the ONNX model against the checkpoint (issue #14 item 9)', () => {
  it('an ONNX model of another input shape is a typed error naming both shapes and the fix', async () => {
    // biome-ignore format: flags in pairs
    const r = await aekit('compare', '--checkpoint', join(dir, 'mnist-run'), '--model', join(dir, 'small.onnx'),
      '--limit', '20', '--device', 'wasm');
    expect(r.code).toBe(1);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toBe(
      `error: --model ${join(dir, 'small.onnx')} ("dense") takes inputs of shape [14, 14, 1] but the checkpoint ${join(dir, 'mnist-run')} ("dense") takes [28, 28, 1]: they are not the same model; export this checkpoint and compare that: aekit export --checkpoint ${join(dir, 'mnist-run')} --part full --out model.onnx`,
    );
  });
});
