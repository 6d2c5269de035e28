/**
 * End to end: builds the app, serves the static build on 127.0.0.1, drives Debian's Chromium (never a
 * downloaded browser) with playwright-core, and checks drawing, a 4000x4000 upload, VAE sampling and the
 * latent explorer. Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readIdx } from '@aekit/datasets';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/manifest.js';
import { grayscalePng } from './png.js';
import { serveStatic } from './static-server.js';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(appRoot, 'dist');
const artifacts = join(appRoot, 'test-artifacts');
const CHROMIUM = process.env.AEKIT_CHROMIUM ?? '/usr/bin/chromium';
const MNIST_DIR = join(appRoot, '../..', 'fixtures/mnist');
/** MSE of a held-out digit through the denoiser, after a 4000x4000 round trip; trained models score ~0.01. */
const MAX_UPLOAD_MSE = 0.04;

/** Chromium flags: headless, no sandbox (containers), and no network chatter of its own. */
const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An import/require of onnxruntime-node, or its native binding's loader. */
const NODE_RUNTIME =
  /(import\s*\(\s*|from\s*|require\s*\(\s*)["'`]onnxruntime-node|onnxruntime_binding|\.node["'`]\)/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const canvasData = (page: Page, id: string) =>
  page.evaluate((el) => (document.getElementById(el) as HTMLCanvasElement).toDataURL(), id);

/** Mean brightness (0..1) of a canvas. */
const canvasMean = (page: Page, id: string) =>
  page.evaluate((el) => {
    const c = document.getElementById(el) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += d[i]!;
    return s / (d.length / 4) / 255;
  }, id);

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'ready', undefined, {
    timeout: 60_000,
  });
}

const available = existsSync(CHROMIUM) && existsSync(join(appRoot, 'public/models/manifest.json'));
// In CI a missing browser or model is a failure, never a silent skip.
if (process.env.CI && !available) {
  throw new Error(
    `browser tests need ${CHROMIUM} and public/models/manifest.json (apt-get install -y chromium)`,
  );
}

describe.skipIf(!available)('web app in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  const external: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await build({ root: appRoot, logLevel: 'warn' });
    server = await serveStatic(distDir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...BASE_ARGS, '--disable-gpu'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith('data:') || url.startsWith('blob:'))
        return route.continue();
      external.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds without onnxruntime-node, with the ORT wasm served locally', () => {
    const files = filesUnder(distDir);
    expect(files.filter((f) => f.endsWith('.node'))).toEqual([]);
    const code = files.filter((f) => /\.(m?js|html)$/.test(f));
    for (const file of code) {
      const text = readFileSync(file, 'utf8');
      // Error messages may name the package; an import of it or its native binding must not be there.
      expect(NODE_RUNTIME.test(text), `${file} imports onnxruntime-node`).toBe(false);
      expect(/cdn\.jsdelivr|unpkg\.com|cdnjs/.test(text), `${file} refers to a CDN`).toBe(false);
    }
    expect(files.some((f) => /ort-wasm-simd-threaded.*\.wasm$/.test(f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(distDir, 'models/manifest.json'), 'utf8')) as Manifest;
    expect(manifest.models.map((m) => m.kind).sort()).toEqual(['autoencoder', 'denoiser', 'vae']);
    for (const m of manifest.models) {
      expect(m.trained, `${m.id} is an untrained placeholder: run pnpm --filter @aekit/web models`).toBe(
        true,
      );
      expect(statSync(join(distDir, 'models', m.encoder)).size).toBeLessThan(1_100_000);
      expect(statSync(join(distDir, 'models', m.decoder)).size).toBeLessThan(1_100_000);
    }
  });

  it('loads, shows the execution provider and reconstructs a drawing', async () => {
    await page.goto(`${server.url}?model=denoiser-mnist`);
    await waitReady(page);
    const provider = await page.locator('#provider').getAttribute('data-provider');
    expect(['webgpu', 'wasm']).toContain(provider);
    expect(await page.locator('#provider').textContent()).toMatch(/WebGPU|WASM/);

    await page.locator('#clear').click();
    const before = await canvasData(page, 'recon-view');
    const box = (await page.locator('#pad').boundingBox())!;
    // A "7": top bar, then the diagonal.
    await page.mouse.move(box.x + 80, box.y + 70);
    await page.mouse.down();
    for (const [x, y] of [
      [200, 70],
      [170, 140],
      [140, 220],
    ] as const) {
      await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
    }
    await page.mouse.up();
    await page.waitForFunction(
      (b) => (document.getElementById('recon-view') as HTMLCanvasElement).toDataURL() !== b,
      before,
    );
    await waitReady(page);
    expect(await canvasMean(page, 'input-view')).toBeGreaterThan(0.05);
    const drawnMse = Number(await page.locator('#recon-error').getAttribute('data-mse'));
    expect(drawnMse).toBeGreaterThan(0);
    expect(drawnMse).toBeLessThan(0.1);
    await page.screenshot({ path: join(artifacts, '1-drawn.png'), fullPage: true });
  });

  it('downscales a 4000x4000 upload and reconstructs and denoises it', async () => {
    const imagesPath = join(MNIST_DIR, 't10k-images-idx3-ubyte.gz');
    const digits = readIdx(readFileSync(imagesPath), imagesPath);
    const index = digits.dims[0]! - 7; // held out from the denoiser's training images
    const pixels = digits.data.slice(index * 784, (index + 1) * 784);
    const png = grayscalePng(pixels, 28, 28, 143); // 4004 x 4004
    const before = await canvasData(page, 'recon-view');
    await page
      .locator('#upload')
      .setInputFiles({ name: 'digit-4004.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(
      (b) => (document.getElementById('recon-view') as HTMLCanvasElement).toDataURL() !== b,
      before,
      {
        timeout: 60_000,
      },
    );
    await waitReady(page);
    const uploadMse = Number(await page.locator('#recon-error').getAttribute('data-mse'));
    console.log(`upload reconstruction MSE ${uploadMse.toFixed(5)}`);
    expect(uploadMse).toBeLessThan(MAX_UPLOAD_MSE);
    // The pad shows the uploaded digit (to draw over), the same picture as the model input.
    const [padMean, inputMean] = [await canvasMean(page, 'pad'), await canvasMean(page, 'input-view')];
    expect(padMean).toBeGreaterThan(0.05);
    expect(Math.abs(padMean - inputMean)).toBeLessThan(0.02);
    const noisy = Number((await page.locator('#noisy-error').textContent()) ?? 'NaN');
    const denoised = Number(await page.locator('#denoised-error').getAttribute('data-mse'));
    console.log(`noise 0.4: noisy MSE ${noisy.toFixed(5)}, denoised MSE ${denoised.toFixed(5)}`);
    expect(denoised).toBeLessThan(noisy / 2);
    expect(await page.evaluate(() => 1 + 1)).toBe(2); // the page still answers
    await page.screenshot({ path: join(artifacts, '2-upload-4000px.png'), fullPage: true });
  });

  it('samples from the VAE prior and interpolates', async () => {
    await page.locator('#model').selectOption('vae-mnist');
    await page.waitForFunction(() => !document.getElementById('vae-panel')?.hidden);
    await waitReady(page);
    const first = await canvasData(page, 'samples');
    await page.locator('#sample').click();
    await page.waitForFunction(
      (b) => (document.getElementById('samples') as HTMLCanvasElement).toDataURL() !== b,
      first,
    );
    await waitReady(page);
    const mean = await canvasMean(page, 'samples');
    expect(mean).toBeGreaterThan(0.03); // digits drawn, not a blank strip
    expect(mean).toBeLessThan(0.6); // ...and not a white one
    await page.locator('#set-a').click();
    await page.locator('#example').click();
    await waitReady(page);
    await page.locator('#set-b').click();
    await page.locator('#lerp').fill('0.5');
    await waitReady(page);
    expect(await canvasMean(page, 'lerp-view')).toBeGreaterThan(0.02);
    await page.screenshot({ path: join(artifacts, '3-vae.png'), fullPage: true });
  });

  it('shows a point’s image when hovering the latent explorer, and runs the parity check', async () => {
    const target = 5;
    const pos = await page.evaluate(
      (i) =>
        (
          globalThis as unknown as {
            aekitDemo: { explorerPointPosition(i: number): { x: number; y: number } };
          }
        ).aekitDemo.explorerPointPosition(i),
      target,
    );
    // Before any hover the preview holds a light hint, not a black square.
    const hint = await canvasData(page, 'explorer-preview');
    expect(await canvasMean(page, 'explorer-preview')).toBeGreaterThan(0.5);
    const box = (await page.locator('#explorer').boundingBox())!;
    const size = await page.evaluate(() => {
      const c = document.getElementById('explorer') as HTMLCanvasElement;
      return { w: c.width, h: c.height };
    });
    await page.mouse.move(box.x + (pos.x * box.width) / size.w, box.y + (pos.y * box.height) / size.h);
    const hovered = Number(await page.locator('#explorer-preview').getAttribute('data-index'));
    expect(hovered).toBeGreaterThanOrEqual(0);
    expect(await canvasData(page, 'explorer-preview')).not.toBe(hint);
    expect(await canvasMean(page, 'explorer-preview')).toBeGreaterThan(0.05);
    expect(await page.locator('#explorer-caption').textContent()).toMatch(/^#\d+: \d/);
    await page.screenshot({ path: join(artifacts, '4-explorer-hover.png'), fullPage: true });

    await page.locator('#parity').click();
    await page.waitForFunction(() =>
      /WebGPU|MISMATCH|OK/.test(document.getElementById('parity-result')?.textContent ?? ''),
    );
    await waitReady(page);
    const note = (await page.locator('#parity-result').textContent()) ?? '';
    const maxDiff = await page.locator('#parity-result').getAttribute('data-max-diff');
    if (maxDiff) expect(Number(maxDiff)).toBeLessThan(1e-3);
    else expect(note).toMatch(/WebGPU unavailable/);
    console.log(`parity: ${note}`);

    expect(pageErrors).toEqual([]);
    expect(external).toEqual([]);
  });

  it('runs on WebGPU (SwiftShader) and agrees with WASM for every bundled model', async (ctx) => {
    // A second Chromium with a software WebGPU adapter: exercises the WebGPU path and the parity check.
    const gpuBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        ...BASE_ARGS,
        '--enable-unsafe-webgpu',
        '--use-webgpu-adapter=swiftshader',
        '--enable-features=Vulkan',
      ],
    });
    try {
      const gpuPage = await gpuBrowser.newPage({ viewport: { width: 1280, height: 1400 } });
      const errors: string[] = [];
      gpuPage.on('pageerror', (error) => errors.push(String(error)));
      await gpuPage.goto(server.url);
      const hasAdapter = await gpuPage.evaluate(
        async () =>
          !!(await (
            navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }
          ).gpu?.requestAdapter()),
      );
      if (!hasAdapter) ctx.skip();
      const manifest = JSON.parse(readFileSync(join(distDir, 'models/manifest.json'), 'utf8')) as Manifest;
      for (const model of manifest.models) {
        await gpuPage.goto(`${server.url}?model=${model.id}`);
        await waitReady(gpuPage);
        expect(await gpuPage.locator('#provider').getAttribute('data-provider')).toBe('webgpu');
        await gpuPage.locator('#parity').click();
        await gpuPage.waitForFunction(
          () => /OK|MISMATCH/.test(document.getElementById('parity-result')?.textContent ?? ''),
          undefined,
          {
            timeout: 60_000,
          },
        );
        const note = await gpuPage.locator('#parity-result').textContent();
        console.log(`${model.id} parity: ${note}`);
        expect(Number(await gpuPage.locator('#parity-result').getAttribute('data-max-diff'))).toBeLessThan(
          1e-3,
        );
        if (model.kind === 'denoiser')
          await gpuPage.screenshot({ path: join(artifacts, '5-webgpu-parity.png'), fullPage: true });
      }
      expect(errors).toEqual([]);
    } finally {
      await gpuBrowser.close();
    }
  });
});
