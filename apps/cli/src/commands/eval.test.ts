import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendMetrics } from '@aekit/core/node';
import { loadBreastCancer } from '@aekit/datasets';
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
    for (const id of ['loss', 'reconstructions', 'per-class', 'latent', 'anomaly'])
      expect(html).toContain(`<section id="${id}">`);
    // The run header (epochs from metrics.jsonl, images, device, date) and a one-line verdict.
    expect(html).toMatch(/<dt>epochs<\/dt><dd>2<\/dd>/);
    expect(html).toMatch(/<dt>training images<\/dt><dd>300<\/dd>/);
    expect(html).toMatch(/<dt>test images<\/dt><dd>100<\/dd>/);
    expect(html).toMatch(/<dt>device<\/dt><dd>wasm/);
    expect(html).toMatch(/<dt>date<\/dt><dd>\d{4}-\d\d-\d\d<\/dd>/);
    expect(html).toMatch(/<p class="verdict">(PCA \(16\)|dense-ae\S*) reconstructs better than .* dB\)/);
    // Named axes and units, a labelled threshold, no "Count of Records".
    expect(html).toContain('loss (BCE, mean per value)');
    expect(html).toContain('anomaly score: reconstruction MSE per image');
    expect(html).toMatch(/>threshold [\d.e-]+</);
    expect(html).not.toContain('Count of Records');
    // The AUROC table sits in the anomaly section, after its histogram.
    const anomaly = html.slice(html.indexOf('<section id="anomaly">'));
    expect(anomaly.slice(0, anomaly.indexOf('</section>'))).toContain(
      'Anomaly detection: clean vs noisy test images',
    );
    // PSNR to 2 decimals; a phone-sized page: viewport meta and SVGs that scale to the width.
    const psnr = /<td>(PCA \(16\))<\/td><td>16<\/td><td>[\d.]+<\/td><td>[\d.]+<\/td><td>([\d.]+)<\/td>/.exec(
      html,
    );
    expect(psnr?.[2]).toMatch(/^\d+\.\d\d$/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('svg{width:100%');
  });

  it('fails with a clear message when the checkpoint directory is missing', async () => {
    const r = await aekit('eval', '--checkpoint', join(dir, 'nope'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no checkpoint\.json there/);
  });
});

describe('aekit eval on a --data run', () => {
  it("scores the rows the run's --limit and --test-limit kept (the run's own test MSE), fewer with eval's --test-limit", async () => {
    const out = join(dir, 'cancer');
    const t = await aekit(
      'train',
      '--data',
      loadBreastCancer().source.path,
      '--skip-lines',
      '1',
      '--label-column',
      '-1',
      '--model',
      'dense',
      '--latent-dim',
      '4',
      '--epochs',
      '1',
      '--limit',
      '100',
      '--test-limit',
      '40',
      '--device',
      'wasm',
      '--out',
      out,
    );
    expect(t.code, t.stderr).toBe(0);
    const line = /test MSE \S+ \(zscore units\) on 40 samples · mean-sample baseline \S+ · PCA\(4\) \S+/.exec(
      t.stdout,
    )?.[0];
    expect(line, t.stdout).toBeDefined();
    const ev = await aekit('eval', '--checkpoint', out, '--report', join(dir, 'r40'), '--device', 'wasm');
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toContain(line);
    const html = readFileSync(join(dir, 'r40', 'index.html'), 'utf8');
    expect(html).toMatch(/<dt>training images<\/dt><dd>100<\/dd>/);
    const few = await aekit(
      'eval',
      '--checkpoint',
      out,
      '--report',
      join(dir, 'r20'),
      '--test-limit',
      '20',
      '--device',
      'wasm',
    );
    expect(few.code, few.stderr).toBe(0);
    expect(few.stdout).toMatch(/test MSE \S+ \(zscore units\) on 20 samples/);
  }, 60_000);
});
