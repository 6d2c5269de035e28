/**
 * End to end: builds the app, serves the static build on 127.0.0.1, drives Debian's Chromium (never a
 * downloaded browser) with playwright-core, and checks the first load, drawing (mouse and keyboard), uploads,
 * model switches, the VAE panel, the latent explorer, the phone layout and an axe-core accessibility scan.
 * Screenshots of each state go to test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '@aekit/core/node';
import { readIdx } from '@aekit/datasets';
import { createSession } from '@aekit/onnx-backend';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/manifest.js';
import { maxAbsDiff } from '../src/metrics.js';
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

const require = createRequire(import.meta.url);

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

/** Mean brightness (0..1) of each of `count` equal columns of a canvas. */
const columnMeans = (page: Page, id: string, count: number) =>
  page.evaluate(
    ([el, n]) => {
      const c = document.getElementById(el as string) as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const sums = new Array<number>(n as number).fill(0);
      const cell = c.width / (n as number);
      for (let y = 0; y < c.height; y++)
        for (let x = 0; x < c.width; x++) sums[Math.floor(x / cell)]! += d[4 * (y * c.width + x)]! / 255;
      return sums.map((s) => s / (cell * c.height));
    },
    [id, count] as const,
  );

/** The page's model input (h*w values) and where it came from. */
const modelInput = (page: Page) =>
  page.evaluate(() => {
    const demo = (globalThis as unknown as { aekitDemo: { input(): number[]; inputSource(): unknown } })
      .aekitDemo;
    return { values: demo.input(), source: demo.inputSource() as { kind: string; dataset?: string } };
  });

/** Whether `values` equal (to 8-bit rounding) one of a model's explorer thumbnails. */
const isThumbnailOf = (page: Page, values: number[], explorerFile: string) =>
  page.evaluate(
    async ([file, x]) => {
      const data = (await (await fetch(`models/${file}`)).json()) as { points: { image: string }[] };
      return data.points.some((p) => {
        const bytes = Uint8Array.from(atob(p.image), (c) => c.charCodeAt(0));
        return bytes.every((b, i) => Math.abs(b / 255 - (x as number[])[i]!) < 1e-6);
      });
    },
    [explorerFile, values] as const,
  );

/** A 2-D picture: a dark object (a filled ellipse) on a light, slightly shaded background, like a photo. */
function darkObjectOnLight(width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = ((x - width / 2) / (width * 0.18)) ** 2 + ((y - height / 2) / (height * 0.28)) ** 2 < 1;
      pixels[y * width + x] = inside ? 40 + ((x * 7) % 20) : 205 + Math.round((15 * x) / width);
    }
  }
  return pixels;
}

async function waitReady(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'ready', undefined, {
    timeout,
  });
}

/** Compiling ORT's 27 MB WebGPU wasm on a busy 2-core machine can take a minute. */
const WEBGPU_TIMEOUT = 150_000;

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
  const wasmRequests: string[] = [];

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
    page.on('request', (request) => {
      if (request.url().endsWith('.wasm')) wasmRequests.push(request.url());
    });
    // Every status text, and the header's height before the model loads (defects 6 and 12).
    await page.addInitScript(() => {
      addEventListener('DOMContentLoaded', () => {
        const g = globalThis as unknown as { statuses: string[]; headerHeight: number };
        g.statuses = [];
        g.headerHeight = document.querySelector('header')!.getBoundingClientRect().height;
        const status = document.getElementById('status')!;
        new MutationObserver(() => g.statuses.push(status.textContent ?? '')).observe(status, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
    });
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
    // The JSEP build (28 MB) is never needed: plain WASM and WebGPU each have their own.
    expect(files.filter((f) => /\.jsep.*\.wasm$/.test(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(distDir, 'models/manifest.json'), 'utf8')) as Manifest;
    expect(manifest.models.map((m) => m.kind).sort()).toEqual(['autoencoder', 'denoiser', 'vae']);
    for (const m of manifest.models) {
      expect(m.trained, `${m.id} is an untrained placeholder: run pnpm --filter @aekit/web models`).toBe(
        true,
      );
      expect(statSync(join(distDir, 'models', m.encoder)).size).toBeLessThan(1_100_000);
      expect(statSync(join(distDir, 'models', m.decoder)).size).toBeLessThan(1_100_000);
    }
    expect(manifest.anomaly?.normalClass.name).toBe('Trouser');
    expect(statSync(join(distDir, 'models', manifest.anomaly!.detector)).size).toBeLessThan(1_100_000);
  });

  it('first load: an MNIST model, the pad shows the model input, one ORT wasm with progress, a short badge', async () => {
    await page.goto(server.url);
    await waitReady(page);
    // Defect 3: the page invites drawing a digit, so it opens on an MNIST model.
    expect(await page.locator('#model').inputValue()).toBe('denoiser-mnist');
    // Defect 1: the pad shows exactly the model input (sampled at the centre of each of its 28x28 cells).
    const { pad, model } = await page.evaluate(() => {
      const c = document.getElementById('pad') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const cell = c.width / 28;
      const values: number[] = [];
      for (let y = 0; y < 28; y++)
        for (let x = 0; x < 28; x++)
          values.push(d[4 * (Math.floor((y + 0.5) * cell) * c.width + Math.floor((x + 0.5) * cell))]! / 255);
      return {
        pad: values,
        model: (globalThis as unknown as { aekitDemo: { input(): number[] } }).aekitDemo.input(),
      };
    });
    expect(model.length).toBe(784);
    expect(Math.max(...pad.map((v, i) => Math.abs(v - model[i]!)))).toBeLessThanOrEqual(1 / 255 + 1e-6);
    expect(model.some((v) => v > 0.5)).toBe(true);
    // Defect 12: one ORT wasm file on this path, with download progress in the status line.
    expect(wasmRequests.length, wasmRequests.join(', ')).toBe(1);
    expect(wasmRequests[0]).toMatch(/ort-wasm-simd-threaded-[^.]+\.wasm$|ort-wasm-simd-threaded\.asyncify/);
    const statuses = await page.evaluate(() => (globalThis as unknown as { statuses: string[] }).statuses);
    expect(statuses.some((t) => /Downloading the ONNX Runtime: .* MB \(\d+%\)/.test(t))).toBe(true);
    // Defect 6: a short badge, the header keeps its height, the reason and the parity check in Diagnostics.
    expect(await page.locator('#provider').textContent()).toMatch(/^(WASM|WebGPU)$/);
    const headerBefore = await page.evaluate(
      () => (globalThis as unknown as { headerHeight: number }).headerHeight,
    );
    const headerAfter = (await page.locator('header').boundingBox())!.height;
    expect(headerAfter).toBe(headerBefore);
    expect(await page.locator('header #parity').count()).toBe(0);
    expect(await page.locator('.diagnostics #parity').count()).toBe(1);
    expect(((await page.locator('#provider-detail').textContent()) ?? '').length).toBeGreaterThan(10);
    // Defect 11: every canvas is labelled.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('canvas')].filter((c) => !c.getAttribute('aria-label')).map((c) => c.id),
    );
    expect(unlabelled).toEqual([]);
    // Defect 9: the conv code (4x4x16) as feature maps that use the canvas' lower half too.
    const lower = await page.evaluate(() => {
      const c = document.getElementById('latent') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, c.height / 2, c.width, c.height / 2).data;
      let drawn = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! < 250) drawn++;
      return drawn / (d.length / 4);
    });
    expect(lower).toBeGreaterThan(0.2);
    expect(await page.locator('#latent-caption').textContent()).toMatch(/16 feature maps of 4×4/);
    // Defect 5: the current input is marked in the explorer; the legend is an HTML list outside the plot.
    const marker = await page.evaluate(() =>
      (
        globalThis as unknown as { aekitDemo: { explorerMarkerPosition(): unknown } }
      ).aekitDemo.explorerMarkerPosition(),
    );
    expect(marker).toBeTruthy();
    expect(await page.locator('#explorer-legend li').count()).toBe(10);
    await page.screenshot({ path: join(artifacts, '1-first-load.png'), fullPage: true });
  });

  it('reconstructs a drawing, from the mouse and from the keyboard', async () => {
    await page.locator('#clear').click();
    await waitReady(page);
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
    expect((await modelInput(page)).source.kind).toBe('drawing');
    await page.screenshot({ path: join(artifacts, '2-drawn.png'), fullPage: true });

    // Defect 11: the pad from the keyboard: Delete clears, arrows draw a "1" down the middle.
    await page.locator('#pad').focus();
    await page.keyboard.press('Delete');
    await waitReady(page);
    expect(Math.max(...(await modelInput(page)).values)).toBe(0);
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Shift+ArrowUp');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() =>
      ((globalThis as unknown as { aekitDemo: { input(): number[] } }).aekitDemo.input() ?? []).some(
        (v) => v > 0.5,
      ),
    );
    await waitReady(page);
    const keyed = (await modelInput(page)).values;
    expect(keyed.filter((v) => v > 0.5).length).toBeGreaterThan(20);
  });

  it('downscales a 4000x4000 upload, and the same file chosen twice updates the output again', async () => {
    const imagesPath = join(MNIST_DIR, 't10k-images-idx3-ubyte.gz');
    const digits = readIdx(readFileSync(imagesPath), imagesPath);
    const index = digits.dims[0]! - 7; // held out from the denoiser's training images
    const pixels = digits.data.slice(index * 784, (index + 1) * 784);
    const png = grayscalePng(pixels, 28, 28, 143); // 4004 x 4004
    const file = { name: 'digit-4004.png', mimeType: 'image/png', buffer: png };
    const before = await canvasData(page, 'recon-view');
    await page.locator('#upload').setInputFiles(file);
    await page.waitForFunction(
      (b) => (document.getElementById('recon-view') as HTMLCanvasElement).toDataURL() !== b,
      before,
      { timeout: 60_000 },
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
    await page.screenshot({ path: join(artifacts, '3-upload-4000px.png'), fullPage: true });

    // Defect 4: the file input is reset (a browser fires no `change` for the same value), the label names
    // the file, and drawing resets the label; the same file again brings back the same output.
    expect(await page.locator('#upload').inputValue()).toBe('');
    expect(await page.locator('#file-name').textContent()).toBe('digit-4004.png');
    const uploaded = await canvasData(page, 'recon-view');
    await page.locator('#clear').click();
    await waitReady(page);
    expect(await page.locator('#file-name').textContent()).toBe('no file');
    expect(await canvasData(page, 'recon-view')).not.toBe(uploaded);
    await page.locator('#upload').setInputFiles(file);
    await page.waitForFunction(() => document.getElementById('file-name')?.textContent === 'digit-4004.png');
    await waitReady(page);
    expect(await canvasData(page, 'recon-view')).toBe(uploaded);
  });

  it('crops a photo of a dark object on a light background to the object, on black', async () => {
    // Defect 8: a 300x200 "photo": the ellipse must fill 20 of 28 pixels, with no grey band around it.
    const png = grayscalePng(darkObjectOnLight(300, 200), 300, 200);
    await page.locator('#upload').setInputFiles({ name: 'object.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() => document.getElementById('file-name')?.textContent === 'object.png');
    await waitReady(page);
    const x = (await modelInput(page)).values;
    let [x0, y0, x1, y1] = [28, 28, -1, -1];
    let border = 0;
    for (let y = 0; y < 28; y++) {
      for (let i = 0; i < 28; i++) {
        const v = x[y * 28 + i]!;
        if (y < 2 || y > 25 || i < 2 || i > 25) border = Math.max(border, v);
        if (v > 0.5) [x0, y0, x1, y1] = [Math.min(x0, i), Math.min(y0, y), Math.max(x1, i), Math.max(y1, y)];
      }
    }
    console.log(
      `photo upload: object box ${x1 - x0 + 1}x${y1 - y0 + 1} of 28x28, brightest border pixel ${border}`,
    );
    expect(border).toBe(0);
    expect(y1 - y0 + 1).toBeGreaterThanOrEqual(19);
    expect(Math.abs((x0 + x1) / 2 - 13.5)).toBeLessThanOrEqual(1);
    await page.screenshot({ path: join(artifacts, '4-photo-upload.png'), fullPage: true });
  });

  it('a model switch takes a test image of the new dataset; the VAE panel starts filled', async () => {
    await page.locator('#example').click();
    await waitReady(page);
    await page.locator('#model').selectOption('conv-fashion');
    await page.waitForFunction(() => document.getElementById('model-info')?.textContent?.includes('Fashion'));
    await waitReady(page);
    let input = await modelInput(page);
    expect(input.source).toEqual({ kind: 'test', dataset: 'fashion-mnist' });
    expect(await isThumbnailOf(page, input.values, 'conv-fashion.explorer.json')).toBe(true);
    expect(await page.locator('#model-info').textContent()).toMatch(/drawn digit comes back as the garment/);
    await page.screenshot({ path: join(artifacts, '5-fashion.png'), fullPage: true });

    // Defect 2: Fashion -> MNIST VAE: the input is an MNIST test image, not the garment.
    await page.locator('#model').selectOption('vae-mnist');
    await page.waitForFunction(() => !document.getElementById('vae-panel')?.hidden);
    await waitReady(page);
    input = await modelInput(page);
    expect(input.source).toEqual({ kind: 'test', dataset: 'mnist' });
    expect(await isThumbnailOf(page, input.values, 'vae-mnist.explorer.json')).toBe(true);
    expect(Number(await page.locator('#recon-error').getAttribute('data-mse'))).toBeLessThan(0.08);

    // Defect 7: the interpolation strip is filled (A and B pre-set) and the samples are a large grid.
    const cells = await columnMeans(page, 'lerp-strip', 8);
    expect(Math.min(...cells)).toBeGreaterThan(0.03);
    expect((await page.locator('#samples').boundingBox())!.height).toBeGreaterThanOrEqual(200);
    const first = await canvasData(page, 'samples');
    const mean = await canvasMean(page, 'samples');
    expect(mean).toBeGreaterThan(0.03); // digits drawn, not a blank grid
    expect(mean).toBeLessThan(0.6); // ...and not a white one
    await page.locator('#sample').click();
    await page.waitForFunction(
      (b) => (document.getElementById('samples') as HTMLCanvasElement).toDataURL() !== b,
      first,
    );
    await waitReady(page);
    await page.screenshot({ path: join(artifacts, '6-vae.png'), fullPage: true });
  });

  it('explorer: hover previews a point, a click picks it, a click on empty space decodes (VAE); parity', async () => {
    const target = 5;
    const pos = (await page.evaluate(
      (i) =>
        (
          globalThis as unknown as {
            aekitDemo: { explorerPointPosition(i: number): { x: number; y: number } };
          }
        ).aekitDemo.explorerPointPosition(i),
      target,
    ))!;
    // Before any hover the preview holds a light hint, not a black square.
    const hint = await canvasData(page, 'explorer-preview');
    expect(await canvasMean(page, 'explorer-preview')).toBeGreaterThan(0.5);
    await page.locator('#explorer').scrollIntoViewIfNeeded();
    const box = (await page.locator('#explorer').boundingBox())!;
    // HiDPI-ready: the canvas has devicePixelRatio pixels per CSS pixel.
    const ratio = await page.evaluate(() => {
      const c = document.getElementById('explorer') as HTMLCanvasElement;
      return c.width / c.getBoundingClientRect().width / devicePixelRatio;
    });
    expect(ratio).toBeCloseTo(1, 2);
    await page.mouse.move(box.x + pos.x, box.y + pos.y);
    const hovered = Number(await page.locator('#explorer-preview').getAttribute('data-index'));
    expect(hovered).toBeGreaterThanOrEqual(0);
    expect(await canvasData(page, 'explorer-preview')).not.toBe(hint);
    expect(await canvasMean(page, 'explorer-preview')).toBeGreaterThan(0.05);
    expect(await page.locator('#explorer-caption').textContent()).toMatch(/^#\d+: \d/);
    await page.screenshot({ path: join(artifacts, '7-explorer-hover.png'), fullPage: true });
    await page.mouse.click(box.x + pos.x, box.y + pos.y);
    await waitReady(page);
    const picked = await modelInput(page);
    expect(await isThumbnailOf(page, picked.values, 'vae-mnist.explorer.json')).toBe(true);
    // A corner of the plot holds no point: the VAE decodes that spot of the plane.
    await page.mouse.click(box.x + box.width - 14, box.y + 14);
    await page.waitForFunction(
      () => document.getElementById('explorer-preview')?.dataset.index === 'decoded',
    );
    expect(await page.locator('#explorer-caption').textContent()).toMatch(/^decoded from PC1/);

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
  });

  it('anomaly view: a normal and an anomalous test image, scored as onnxruntime-node scores the same graph', async () => {
    const manifest = JSON.parse(readFileSync(join(distDir, 'models/manifest.json'), 'utf8')) as Manifest;
    const entry = manifest.anomaly!;
    expect(entry.threshold.method).toBe('fpr:0.05');
    const session = await createSession(readFileSync(join(distDir, 'models', entry.detector)));
    const results: Record<
      string,
      { page: number; node: number; pageFlag: boolean; nodeFlag: boolean; verdict: string; lit: number }
    > = {};
    for (const kind of ['normal', 'anomalous'] as const) {
      const before = await page.locator('#anomaly-verdict').getAttribute('data-score');
      await page.click(`#anomaly-${kind}`);
      await page.waitForFunction(
        (prev) => {
          const v = document.getElementById('anomaly-verdict')!;
          return v.dataset.score !== prev && document.getElementById('status')?.dataset.state === 'ready';
        },
        before,
        { timeout: 15_000 },
      );
      const { values } = await modelInput(page);
      const shown = await page.evaluate(() => {
        const demo = (
          globalThis as unknown as { aekitDemo: { anomaly(): { score: number; isAnomaly: boolean } } }
        ).aekitDemo;
        const c = document.getElementById('anomaly-heatmap') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let lit = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 0) lit++;
        return {
          score: demo.anomaly().score,
          isAnomaly: demo.anomaly().isAnomaly,
          verdict: document.getElementById('anomaly-verdict')!.dataset.verdict ?? '',
          lit,
        };
      });
      const out = await session.run({ input: { data: Float32Array.from(values), shape: [1, 28, 28, 1] } });
      const node = (out.score!.data as Float32Array)[0]!;
      results[kind] = {
        page: shown.score,
        node,
        pageFlag: shown.isAnomaly,
        nodeFlag: Boolean((out.is_anomaly!.data as ArrayLike<unknown>)[0]),
        verdict: shown.verdict,
        lit: shown.lit,
      };
      await page.screenshot({ path: join(artifacts, `anomaly-${kind}.png`), fullPage: true });
    }
    // A drawing is framed for the detector as Fashion-MNIST frames its items (the whole frame), while the
    // MNIST model on the page sees it as a digit (20 of 28 rows): a vertical stroke spans more rows.
    await page.click('#clear');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'ready');
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + 220, { steps: 10 });
    await page.mouse.up();
    await page.waitForFunction(() => {
      const demo = (globalThis as unknown as { aekitDemo: { anomaly(): { input: number[] } } }).aekitDemo;
      return (
        demo.anomaly().input.some((v) => v > 0) &&
        document.getElementById('status')?.dataset.state === 'ready'
      );
    });
    const rows = await page.evaluate(() => {
      const demo = (
        globalThis as unknown as { aekitDemo: { input(): number[]; anomaly(): { input: number[] } } }
      ).aekitDemo;
      const count = (x: number[]) =>
        Array.from({ length: 28 }, (_, y) => x.slice(28 * y, 28 * y + 28).some((v) => v > 0.1)).filter(
          Boolean,
        ).length;
      return { model: count(demo.input()), detector: count(demo.anomaly().input) };
    });
    console.log(
      `a vertical stroke spans ${rows.model} rows for the MNIST model, ${rows.detector} for the detector`,
    );
    expect(rows.detector).toBeGreaterThan(rows.model);
    await session.dispose();
    console.log(`anomaly view (threshold ${entry.threshold.value}): ${JSON.stringify(results)}`);
    const { normal, anomalous } = results as Record<'normal' | 'anomalous', (typeof results)[string]>;
    expect(Math.abs(normal.page - normal.node)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(anomalous.page - anomalous.node)).toBeLessThanOrEqual(1e-5);
    expect(normal.node).toBeLessThan(entry.threshold.value);
    expect(anomalous.node).toBeGreaterThan(entry.threshold.value);
    expect([normal.verdict, anomalous.verdict]).toEqual(['normal', 'anomalous']);
    expect([normal.pageFlag, normal.nodeFlag, anomalous.pageFlag, anomalous.nodeFlag]).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(normal.lit).toBeGreaterThan(0);
    expect(anomalous.lit).toBeGreaterThan(0);
  });

  it('has no serious or critical axe-core violations', async () => {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        }
      ).axe;
      const result = await axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    console.log(`axe: ${JSON.stringify(violations)}`);
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(external).toEqual([]);
  });

  it('on a 390x844 phone: input and output in the first screen, a tap previews an explorer point', async () => {
    // Defect 10 (and 5: tap, HiDPI).
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      await phone.goto(server.url);
      await waitReady(phone);
      for (const id of ['pad', 'recon-view']) {
        const b = (await phone.locator(`#${id}`).boundingBox())!;
        expect(b.y + b.height, `#${id} bottom`).toBeLessThanOrEqual(844);
        expect(b.x + b.width, `#${id} right`).toBeLessThanOrEqual(390);
      }
      const scroll = await phone.evaluate(() => document.documentElement.scrollWidth);
      expect(scroll).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: join(artifacts, '8-phone-first-screen.png') });
      const ratio = await phone.evaluate(() => {
        const c = document.getElementById('explorer') as HTMLCanvasElement;
        return c.width / c.getBoundingClientRect().width;
      });
      expect(ratio).toBeCloseTo(2, 1);
      await phone.locator('#explorer').scrollIntoViewIfNeeded();
      const pos = (await phone.evaluate(() =>
        (
          globalThis as unknown as {
            aekitDemo: { explorerPointPosition(i: number): { x: number; y: number } };
          }
        ).aekitDemo.explorerPointPosition(3),
      ))!;
      const box = (await phone.locator('#explorer').boundingBox())!;
      await phone.touchscreen.tap(box.x + pos.x, box.y + pos.y);
      await phone.waitForFunction(
        () => Number(document.getElementById('explorer-preview')?.dataset.index) >= 0,
      );
      await waitReady(phone);
      await phone.screenshot({ path: join(artifacts, '9-phone-full.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('trains on uploaded images in a worker; the downloaded ONNX file runs in onnxruntime-node as in the page', async () => {
    // Real images: 60 MNIST test digits as PNG files and the repository's four JPEG fixtures.
    const imagesPath = join(MNIST_DIR, 't10k-images-idx3-ubyte.gz');
    const digits = readIdx(readFileSync(imagesPath), imagesPath);
    const uploads = Array.from({ length: 60 }, (_, i) => ({
      name: `digit-${i}.png`,
      mimeType: 'image/png',
      buffer: grayscalePng(digits.data.slice(i * 784, (i + 1) * 784), 28, 28, 2),
    }));
    const jpegDir = join(appRoot, '../../packages/datasets/fixtures/images');
    for (const name of readdirSync(jpegDir).filter((f) => f.endsWith('.jpg')))
      uploads.push({ name, mimeType: 'image/jpeg', buffer: readFileSync(join(jpegDir, name)) });
    const trainPage = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const errors: string[] = [];
    trainPage.on('pageerror', (error) => errors.push(String(error)));
    try {
      await trainPage.goto(server.url);
      await trainPage.locator('#train-files').setInputFiles(uploads);
      await trainPage.waitForFunction(
        () => !(document.getElementById('train-start') as HTMLButtonElement).disabled,
      );
      expect(await trainPage.locator('#train-count').textContent()).toMatch(
        new RegExp(`^${uploads.length} images`),
      );
      await trainPage.locator('#train-model').selectOption('dense');
      await trainPage.locator('#train-epochs').fill('2');
      await trainPage.locator('#train-start').click();
      await trainPage.waitForFunction(
        () => ['done', 'error'].includes(document.getElementById('train-status')?.dataset.state ?? ''),
        undefined,
        { timeout: 120_000 },
      );
      const status = await trainPage.locator('#train-status').textContent();
      console.log(`in-page training: ${status}`);
      const result = await trainPage.evaluate(
        () =>
          (globalThis as unknown as { aekitTrain: Record<string, unknown> }).aekitTrain as {
            state: string;
            losses: number[];
            count: number;
            device: string;
            previewInputs: number[];
            ortOutputs: number[];
            tfjsOutputs: number[];
          },
      );
      console.log(
        `training device: ${result.device}; losses ${result.losses.map((l) => l.toFixed(4)).join(', ')}`,
      );
      expect(result.state, status ?? '').toBe('done');
      expect(result.count).toBe(uploads.length);
      expect(result.device).toMatch(/^wasm \(/);
      // Epoch 0 (before training), 1 and 2.
      expect(result.losses).toHaveLength(3);
      expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]!);
      await trainPage.locator('#train-panel').screenshot({ path: join(artifacts, '6-train-in-page.png') });
      const saved = mkdtempSync(join(tmpdir(), 'aekit-web-train-'));
      try {
        for (const id of ['train-onnx', 'train-checkpoint', 'train-weights']) {
          const [download] = await Promise.all([
            trainPage.waitForEvent('download'),
            trainPage.locator(`#${id}`).click(),
          ]);
          await download.saveAs(join(saved, download.suggestedFilename()));
        }
        const x = Float32Array.from(result.previewInputs);
        const session = await createSession(readFileSync(join(saved, 'aekit-trained.onnx')), {
          runtime: 'node',
          device: 'cpu',
        });
        const node = await session.reconstruct(x);
        await session.dispose();
        expect(node.length).toBe(result.ortOutputs.length);
        const diff = maxAbsDiff(node, Float32Array.from(result.ortOutputs));
        const tfjsDiff = maxAbsDiff(node, Float32Array.from(result.tfjsOutputs));
        console.log(
          `onnxruntime-node vs the page's onnxruntime-web: max |diff| ${diff.toExponential(2)}; vs tfjs ${tfjsDiff.toExponential(2)}`,
        );
        expect(diff).toBeLessThanOrEqual(1e-5);
        // The checkpoint's two files are a checkpoint directory that core's reader loads.
        const checkpoint = await loadCheckpoint(saved);
        expect(checkpoint.spec.name).toBe('dense');
        expect(checkpoint.training.epoch).toBe(2);
      } finally {
        rmSync(saved, { recursive: true, force: true });
      }
      expect(errors).toEqual([]);
    } finally {
      await trainPage.close();
    }
  }, 180_000);

  it('trains the conv model on a bundled set; the stop button ends the run after the current batch', async () => {
    const trainPage = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const errors: string[] = [];
    trainPage.on('pageerror', (error) => errors.push(String(error)));
    try {
      await trainPage.goto(server.url);
      await waitReady(trainPage);
      await trainPage.locator('#train-bundled').selectOption('fashion-mnist');
      await trainPage.waitForFunction(
        () => !(document.getElementById('train-start') as HTMLButtonElement).disabled,
      );
      expect(await trainPage.locator('#train-count').textContent()).toMatch(/^400 images/);
      await trainPage.locator('#train-model').selectOption('conv');
      await trainPage.locator('#train-epochs').fill('20');
      // Every status text while training: the page keeps updating while the worker trains.
      await trainPage.evaluate(() => {
        const g = globalThis as unknown as { trainStatuses: string[] };
        g.trainStatuses = [];
        const status = document.getElementById('train-status')!;
        new MutationObserver(() => g.trainStatuses.push(status.textContent ?? '')).observe(status, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      await trainPage.locator('#train-start').click();
      await trainPage.waitForFunction(
        () => (globalThis as unknown as { aekitTrain: { losses: number[] } }).aekitTrain.losses.length >= 2,
        undefined,
        { timeout: 120_000 },
      );
      await trainPage.locator('#train-stop').click();
      await trainPage.waitForFunction(
        () => ['done', 'error'].includes(document.getElementById('train-status')?.dataset.state ?? ''),
        undefined,
        { timeout: 120_000 },
      );
      const status = await trainPage.locator('#train-status').textContent();
      console.log(`stopped training: ${status}`);
      const result = await trainPage.evaluate(() => {
        const g = globalThis as unknown as {
          aekitTrain: { state: string; stopped: boolean; losses: number[]; ortOutputs?: number[] };
          trainStatuses: string[];
        };
        return {
          ...g.aekitTrain,
          batchUpdates: g.trainStatuses.filter((t) => /batch \d+ of/.test(t)).length,
        };
      });
      expect(result.state, status ?? '').toBe('done');
      expect(result.stopped).toBe(true);
      expect(result.losses.length).toBeLessThan(21);
      expect(result.batchUpdates).toBeGreaterThan(13); // 400 images, batch 32: 13 batches an epoch
      expect(result.ortOutputs).toHaveLength(8 * 784);
      expect(await trainPage.locator('#train-start').isDisabled()).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await trainPage.close();
    }
  }, 180_000);

  it('trains on WebGPU (SwiftShader) in the worker with ?train-device=webgpu', async (ctx) => {
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
      // The page's own models on WASM: only the training uses WebGPU here.
      await gpuPage.goto(`${server.url}?device=wasm&train-device=webgpu`);
      const hasAdapter = await gpuPage.evaluate(
        async () =>
          !!(await (
            navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }
          ).gpu?.requestAdapter()),
      );
      if (!hasAdapter) ctx.skip();
      await waitReady(gpuPage);
      await gpuPage.locator('#train-bundled').selectOption('mnist');
      await gpuPage.waitForFunction(
        () => !(document.getElementById('train-start') as HTMLButtonElement).disabled,
      );
      await gpuPage.locator('#train-model').selectOption('dense');
      await gpuPage.locator('#train-epochs').fill('2');
      await gpuPage.locator('#train-start').click();
      await gpuPage.waitForFunction(
        () => ['done', 'error'].includes(document.getElementById('train-status')?.dataset.state ?? ''),
        undefined,
        { timeout: WEBGPU_TIMEOUT },
      );
      const status = await gpuPage.locator('#train-status').textContent();
      const result = await gpuPage.evaluate(
        () =>
          (globalThis as unknown as { aekitTrain: Record<string, unknown> }).aekitTrain as {
            state: string;
            device: string;
            losses: number[];
            ortOutputs: number[];
            tfjsOutputs: number[];
          },
      );
      console.log(`WebGPU training: ${status} ${result.device}`);
      expect(result.state, status ?? '').toBe('done');
      expect(result.device).toMatch(/^webgpu \(/);
      expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]!);
      // tfjs on WebGPU against the export on onnxruntime-web's WASM.
      const diff = maxAbsDiff(Float32Array.from(result.ortOutputs), Float32Array.from(result.tfjsOutputs));
      console.log(`tfjs webgpu vs onnxruntime-web wasm: max |diff| ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-4);
      expect(errors).toEqual([]);
    } finally {
      await gpuBrowser.close();
    }
  }, 300_000);

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
      await waitReady(gpuPage, WEBGPU_TIMEOUT);
      const manifest = JSON.parse(readFileSync(join(distDir, 'models/manifest.json'), 'utf8')) as Manifest;
      for (const model of manifest.models) {
        // Switching in the page reuses the downloaded runtime (a reload would fetch the wasm again).
        if ((await gpuPage.locator('#model').inputValue()) !== model.id)
          await gpuPage.locator('#model').selectOption(model.id);
        await gpuPage.waitForFunction(
          (title) => document.getElementById('status')?.textContent === `Ready · ${title}`,
          model.title,
          { timeout: WEBGPU_TIMEOUT },
        );
        const detail = await gpuPage.locator('#provider-detail').textContent();
        expect(await gpuPage.locator('#provider').getAttribute('data-provider'), detail ?? '').toBe('webgpu');
        await gpuPage.locator('#parity').click();
        await gpuPage.waitForFunction(
          () => /OK|MISMATCH/.test(document.getElementById('parity-result')?.textContent ?? ''),
          undefined,
          { timeout: WEBGPU_TIMEOUT },
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
  }, 400_000);
});
