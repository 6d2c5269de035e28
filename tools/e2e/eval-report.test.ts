// Cross-package: evaluateAutoencoder and the HTML report of @aekit/eval on a dense AE (@aekit/models) trained
// with @aekit/tfjs-backend on real MNIST digits (@aekit/datasets).
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setLogger } from '@aekit/core';
import { loadDataset } from '@aekit/datasets';
import { ReconstructionDetector } from '@aekit/eval/anomaly';
import { evaluateAutoencoder, evaluationReport, writeReport } from '@aekit/eval/report';
import { denseAutoencoder } from '@aekit/models';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { afterAll, describe, expect, it } from 'vitest';

const MNIST = join(fileURLToPath(new URL('../../', import.meta.url)), 'fixtures/mnist');
const D = 784;
const N_TRAIN = 1500;

describe('a dense AE trained on 1,500 real MNIST digits, evaluated on 500 more', async () => {
  setLogger({ info() {}, warn() {} });
  const data = await loadDataset('mnist', {
    split: 'test',
    dir: MNIST,
    limit: 2000,
    allowDownload: false,
    allowSample: false,
  });
  const train = { images: data.images.subarray(0, N_TRAIN * D), labels: data.labels.subarray(0, N_TRAIN) };
  const test = { images: data.images.subarray(N_TRAIN * D), labels: data.labels.subarray(N_TRAIN) };
  const backend = createTfjsBackend({ device: 'wasm' });
  const model = await backend.createModel(denseAutoencoder({ latentDim: 32 }), { seed: 7 });
  const fit = await model.fit({ x: train.images }, { epochs: 8, batchSize: 64, learningRate: 3e-3, seed: 7 });
  const result = await evaluateAutoencoder(model, train, test, [28, 28, 1], { seed: 1 });
  const [ae, pca] = result.rows;
  console.log(
    JSON.stringify({ loss: fit.history.map((h) => h.loss), rows: result.rows, rate: result.rateQuality }),
  );
  const dir = await mkdtemp(join(tmpdir(), 'aekit-eval-'));
  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('a linear probe on its 32-d codes beats chance (10%) by over 60 points, retrieval precision@10 by over 40', () => {
    expect(ae?.probeAccuracy).toBeGreaterThan(0.7);
    expect(ae?.precisionAtK).toBeGreaterThan(0.5);
    // PCA with 32 components is the baseline in the same table.
    expect(pca?.latentDim).toBe(32);
    expect(pca?.probeAccuracy).toBeGreaterThan(0.7);
  });

  it('reconstructs with PSNR above 13.5 dB and SSIM above 0.4', () => {
    expect(ae?.psnr).toBeGreaterThan(13.5);
    expect(ae?.ssim).toBeGreaterThan(0.4);
  });

  it('rate/quality: float16 costs under 0.05 dB, uint8 under 0.5 dB, PNG is larger than any latent', () => {
    const [f32, f16, u8, png] = result.rateQuality;
    expect(f32?.bytesPerImage).toBe(128);
    expect(f16?.bytesPerImage).toBe(64);
    expect(Math.abs((f32?.psnr ?? 0) - (f16?.psnr ?? 0))).toBeLessThan(0.05);
    expect((f32?.psnr ?? 0) - (u8?.psnr ?? 0)).toBeLessThan(0.5);
    expect(png?.psnr).toBe(Number.POSITIVE_INFINITY); // MNIST is 8-bit
    expect(png?.bytesPerImage).toBeGreaterThan(128);
  });

  it('writes an offline HTML report with every section', async () => {
    const detector = await new ReconstructionDetector(model, { featureSize: D }).fit(train.images);
    const path = await writeReport(dir, {
      title: 'MNIST dense AE',
      metrics: fit.history,
      ...evaluationReport(result),
      anomaly: {
        normal: await detector.score(test.images),
        anomalous: await detector.score(test.images.map((v, i) => (i % 3 === 0 ? 1 - v : v))),
        threshold: detector.threshold,
      },
    });
    const html = readFileSync(path, 'utf8');
    for (const id of ['loss', 'reconstructions', 'latent', 'anomaly'])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('Representation: autoencoder vs PCA');
    expect(html).toContain('Compression: rate and quality');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('data:image/png;base64,');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(existsSync(join(dir, 'latent.svg'))).toBe(true);
    expect(readFileSync(join(dir, 'latent.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});
