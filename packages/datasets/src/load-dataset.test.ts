import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AekitError, setLogger } from '@aekit/core';
import { codeOfAsync } from '@aekit/core/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeIdx } from './idx.js';
import { loadDataset, loadDatasetPair, sampleDir } from './load-dataset.js';

const SYSTEM_FASHION = '/usr/share/datasets/fashion-mnist';
// The MNIST test set kept in the repository as a test fixture.
const MNIST_DIR = new URL('../../../fixtures/mnist/', import.meta.url);

const messages: string[] = [];
let tmp: string;
const savedEnv = { ...process.env };

beforeAll(() => {
  setLogger({ info: (m) => messages.push(m), warn: (m) => messages.push(`warn: ${m}`) });
});
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'aekit-datasets-'));
  delete process.env.AEKIT_DATA_DIR;
  process.env.XDG_CACHE_HOME = join(tmp, 'xdg');
});
afterEach(async () => {
  process.env = { ...savedEnv };
  await rm(tmp, { recursive: true, force: true });
});

function sum(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += Math.round(v * 255);
  return s;
}

function histogram(labels: Uint8Array): number[] {
  const h = new Array<number>(10).fill(0);
  for (const l of labels) h[l] = (h[l] ?? 0) + 1;
  return h;
}

async function writeTinyDataset(dir: string, marker: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { gzipSync } = await import('node:zlib');
  const pixels = new Uint8Array(2 * 28 * 28).fill(marker);
  await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(writeIdx([2, 28, 28], pixels)));
  await writeFile(join(dir, 'train-labels-idx1-ubyte'), writeIdx([2], Uint8Array.of(1, 2)));
}

describe.runIf(existsSync(SYSTEM_FASHION))('loadDataset on the Debian Fashion-MNIST files', () => {
  it('loads the full test split with known counts, label histogram and pixel sum', async () => {
    const test = await loadDataset('fashion-mnist', { split: 'test' });
    expect(test.source).toEqual({ kind: 'system', path: SYSTEM_FASHION });
    expect(test.count).toBe(10000);
    expect(test.images.length).toBe(10000 * 784);
    expect(test.sampleShape).toEqual([28, 28, 1]);
    expect(histogram(test.labels)).toEqual(new Array(10).fill(1000));
    expect(sum(test.images)).toBe(573469082);
    expect(test.classNames[9]).toBe('Ankle boot');
    expect(messages.some((m) => m.includes('fashion-mnist test: 10000 samples from system'))).toBe(true);
  });

  it('loads the full train split (60000, 6000 per class) and honours limit', async () => {
    const train = await loadDataset('fashion-mnist');
    expect(train.count).toBe(60000);
    expect(histogram(train.labels)).toEqual(new Array(10).fill(6000));
    expect(sum(train.images)).toBe(3431114169);
    const few = await loadDataset('fashion-mnist', { limit: 3000 });
    expect(few.count).toBe(3000);
    expect(few.images.length).toBe(3000 * 784);
    expect(sum(few.images)).toBe(170623628);
    let max = 0;
    for (const v of few.images) max = Math.max(max, v);
    expect(max).toBe(1);
  });
});

describe('loadDataset search order', () => {
  it('prefers dir, then AEKIT_DATA_DIR/<name>, then AEKIT_DATA_DIR, then the cache', async () => {
    const explicit = join(tmp, 'explicit');
    const env = join(tmp, 'env');
    const cache = join(tmp, 'cache');
    await writeTinyDataset(explicit, 10);
    await writeTinyDataset(join(env, 'mnist'), 20);
    await writeTinyDataset(env, 30);
    await writeTinyDataset(join(cache, 'mnist'), 40);
    process.env.AEKIT_DATA_DIR = env;
    const opts = { cacheDir: cache, systemDir: false as const, allowSample: false };

    const a = await loadDataset('mnist', { ...opts, dir: explicit });
    expect(a.source).toEqual({ kind: 'dir', path: explicit });
    expect(Math.round(a.images[0]! * 255)).toBe(10);
    expect(Array.from(a.labels)).toEqual([1, 2]);

    const b = await loadDataset('mnist', opts);
    expect(b.source).toEqual({ kind: 'env', path: join(env, 'mnist') });
    expect(Math.round(b.images[0]! * 255)).toBe(20);

    await rm(join(env, 'mnist'), { recursive: true });
    const c = await loadDataset('mnist', opts);
    expect(c.source).toEqual({ kind: 'env', path: env });
    expect(Math.round(c.images[0]! * 255)).toBe(30);

    delete process.env.AEKIT_DATA_DIR;
    const d = await loadDataset('mnist', opts);
    expect(d.source).toEqual({ kind: 'cache', path: join(cache, 'mnist') });
    expect(Math.round(d.images[0]! * 255)).toBe(40);

    // Default cache root: $XDG_CACHE_HOME/aekit/<name>.
    await writeTinyDataset(join(tmp, 'xdg', 'aekit', 'mnist'), 50);
    const e = await loadDataset('mnist', { systemDir: false, allowSample: false });
    expect(e.source.kind).toBe('cache');
    expect(Math.round(e.images[0]! * 255)).toBe(50);
  });

  it('uses the system dir, then the shipped sample, and lists every place when nothing is found', async () => {
    const system = join(tmp, 'system');
    await writeTinyDataset(system, 60);
    const s = await loadDataset('mnist', { cacheDir: join(tmp, 'none'), systemDir: system });
    expect(s.source).toEqual({ kind: 'system', path: system });

    const sample = await loadDataset('mnist', { cacheDir: join(tmp, 'none'), systemDir: false });
    expect(sample.source).toEqual({ kind: 'sample', path: sampleDir('mnist') });
    expect(sample.count).toBe(2000);
    expect(sum(sample.images)).toBe(48335026);
    expect(Array.from(sample.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);

    const { train, test } = await loadDatasetPair('fashion-mnist', {
      cacheDir: join(tmp, 'none'),
      systemDir: false,
    });
    expect([train.count, test.count]).toEqual([3000, 1000]);
    expect([sum(train.images), sum(test.images)]).toEqual([170623628, 58034149]);

    const missing = loadDataset('mnist', {
      dir: join(tmp, 'nowhere'),
      cacheDir: join(tmp, 'none'),
      systemDir: join(tmp, 'sys'),
      allowSample: false,
    });
    await expect(missing).rejects.toThrow(/mnist train .* not found/);
    const error = await loadDataset('mnist', {
      cacheDir: join(tmp, 'none'),
      systemDir: false,
      allowSample: false,
    })
      .then(() => undefined)
      .catch((e: AekitError) => e);
    expect(error?.code).toBe('DATA_NOT_FOUND');
    for (const place of [join(tmp, 'none', 'mnist'), 'download: disabled']) {
      expect(error?.message).toContain(place);
    }
  });

  it('rejects a corrupt file found on disk and bad options with typed errors', async () => {
    const dir = join(tmp, 'corrupt');
    await writeTinyDataset(dir, 1);
    const bytes = await readFile(join(dir, 'train-labels-idx1-ubyte'));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), bytes.subarray(0, bytes.length - 1));
    await expect(loadDataset('mnist', { dir, systemDir: false })).rejects.toThrow(
      /train-labels-idx1-ubyte: length mismatch .* expected 10 bytes .* got 9/,
    );
    await writeTinyDataset(dir, 1);
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), writeIdx([3], Uint8Array.of(1, 2, 3)));
    expect(await codeOfAsync(loadDataset('mnist', { dir, systemDir: false }))).toBe('DATA_INVALID');
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), writeIdx([2], Uint8Array.of(1, 12)));
    await expect(loadDataset('mnist', { dir, systemDir: false })).rejects.toThrow(/label 12 at index 1/);
    expect(await codeOfAsync(loadDataset('cifar' as 'mnist'))).toBe('OPTION_INVALID');
    expect(await codeOfAsync(loadDataset('mnist', { limit: 0 }))).toBe('OPTION_INVALID');
  });

  it('rejects an images file where the labels should be, and the reverse, naming the file and the dims', async () => {
    const dir = join(tmp, 'swapped');
    await writeTinyDataset(dir, 1);
    const images = join(dir, 'train-images-idx3-ubyte.gz');
    const labels = join(dir, 'train-labels-idx1-ubyte');
    const imageBytes = await readFile(images);
    await writeFile(labels, imageBytes);
    await expect(loadDataset('mnist', { dir, systemDir: false })).rejects.toThrow(
      /train-labels-idx1-ubyte: expected label dims \[2\] to match 2 images, got \[2, 28, 28\]/,
    );
    await writeFile(images, writeIdx([2], Uint8Array.of(1, 2)));
    await expect(loadDataset('mnist', { dir, systemDir: false })).rejects.toThrow(
      /train-images-idx3-ubyte\.gz: expected image dims \[count, height, width\], got \[2\]/,
    );
    expect(await codeOfAsync(loadDataset('mnist', { dir, systemDir: false }))).toBe('DATA_INVALID');
  });
});

describe.runIf(existsSync(MNIST_DIR))('loadDataset download (local server)', () => {
  let server: Server;
  let base: string;
  const served = new Map<string, Buffer>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mnist/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('downloads, verifies the checksum and caches atomically', async () => {
    served.clear();
    for (const f of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      served.set(`/mnist/${f}`, await readFile(new URL(f, MNIST_DIR)));
    }
    const cache = join(tmp, 'cache');
    const progress: number[] = [];
    const test = await loadDataset('mnist', {
      split: 'test',
      cacheDir: cache,
      systemDir: false,
      allowDownload: true,
      mirror: base,
      onProgress: (received) => progress.push(received),
    });
    expect(test.source).toEqual({ kind: 'download', path: join(cache, 'mnist') });
    expect(test.count).toBe(10000);
    expect(histogram(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(sum(test.images)).toBe(264923200);
    expect(progress.at(-1)).toBe(4542); // the labels file, complete
    expect((await readdir(join(cache, 'mnist'))).sort()).toEqual([
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    // Second load: from the cache, no request needed.
    served.clear();
    const again = await loadDataset('mnist', { split: 'test', cacheDir: cache, systemDir: false });
    expect(again.source.kind).toBe('cache');
    expect(again.count).toBe(10000);
  });

  it('rejects a checksum mismatch and leaves nothing in the cache', async () => {
    served.clear();
    const images = await readFile(new URL('t10k-images-idx3-ubyte.gz', MNIST_DIR));
    const tampered = Buffer.from(images);
    tampered[tampered.length - 100] = tampered[tampered.length - 100]! ^ 0xff;
    served.set('/mnist/t10k-images-idx3-ubyte.gz', tampered);
    const cache = join(tmp, 'cache');
    const error = await loadDataset('mnist', {
      split: 'test',
      cacheDir: cache,
      systemDir: false,
      allowDownload: true,
      mirror: base,
    })
      .then(() => undefined)
      .catch((e: AekitError) => e);
    expect(error?.code).toBe('DATA_INVALID');
    expect(error?.message).toMatch(
      /checksum mismatch .* expected md5 9fb629c4189551a2d022fa330f9573f3, got [0-9a-f]{32}/,
    );
    const left = existsSync(join(cache, 'mnist')) ? await readdir(join(cache, 'mnist')) : [];
    expect(left).toEqual([]);
  });

  it('falls back to the sample when the mirror is unreachable', async () => {
    served.clear();
    const test = await loadDataset('mnist', {
      split: 'test',
      cacheDir: join(tmp, 'cache'),
      systemDir: false,
      allowDownload: true,
      mirror: base,
    });
    expect(test.source.kind).toBe('sample');
    expect(test.count).toBe(1000);
    expect(sum(test.images)).toBe(27210963);
    expect(messages.some((m) => m.includes('HTTP 404'))).toBe(true);
  });
});
