import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendMetrics } from '@aekit/core/node';
import { denseAutoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aekit, saveRandomCheckpoint } from '../test-utils/aekit.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-cli-eval-'));
  const spec = denseAutoencoder({ latentDim: 16 });
  const run = join(dir, 'run');
  await saveRandomCheckpoint(run, spec, {
    seed: 5,
    scale: 0.2,
    epoch: 2,
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
