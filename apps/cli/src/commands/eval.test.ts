import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, paramInfos } from '@aekit/core';
import { appendMetrics, saveCheckpoint } from '@aekit/core/node';
import { denseAutoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIo } from '../test-utils/capture-io.js';

async function aekit(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-cli-eval-'));
  const spec = denseAutoencoder({ latentDim: 16 });
  const rng = createRng(5);
  const weights = paramInfos(spec).map((p) => ({
    name: p.name,
    shape: p.shape,
    data: Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => (rng.next() - 0.5) * 0.2),
  }));
  const run = join(dir, 'run');
  await saveCheckpoint(run, {
    spec,
    weights,
    training: { step: 0, epoch: 2 },
    meta: { dataset: 'fashion-mnist' },
  });
  for (const epoch of [1, 2]) {
    await appendMetrics(run, { epoch, loss: 0.5 / epoch, terms: {}, seconds: 1, samplesPerSecond: 100 });
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aekit eval', () => {
  it('writes an HTML report with the AE and PCA rows; PCA-16 codes give a probe above 50% (chance 10%)', async () => {
    const out = join(dir, 'report');
    const r = await aekit(
      'eval',
      '--checkpoint',
      join(dir, 'run'),
      '--report',
      out,
      '--train-limit',
      '300',
      '--test-limit',
      '100',
      '--projection',
      'pca',
      '--device',
      'wasm',
    );
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const probe = /PCA \(16\).*probe ([\d.]+)%/.exec(r.stdout);
    expect(Number(probe?.[1])).toBeGreaterThan(50);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const id of ['loss', 'reconstructions', 'latent', 'anomaly'])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('Anomaly detection: clean vs noisy test images');
  });

  it('fails with a clear message when the checkpoint directory is missing', async () => {
    const r = await aekit('eval', '--checkpoint', join(dir, 'nope'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no checkpoint\.json there/);
  });
});
