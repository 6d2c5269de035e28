import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverResize, fitImage } from './image-fit.js';
import { loadImageFolder } from './image-folder.js';

const fixtures = fileURLToPath(new URL('../fixtures/images/', import.meta.url));
const photos = fileURLToPath(new URL('../data/photos/', import.meta.url));
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-image-folder-'));
  await mkdir(join(root, 'good', 'grey', 'deeper'), { recursive: true });
  await mkdir(join(root, 'good', 'photos'));
  for (const f of ['grey-16bit.png', 'la-8bit.png', 'grey-progressive.jpg'])
    await copyFile(join(fixtures, f), join(root, 'good', 'grey', f));
  await copyFile(join(fixtures, 'palette-4bit-trns.png'), join(root, 'good', 'grey', 'deeper', 'p.png'));
  await copyFile(join(photos, 'china.jpg'), join(root, 'good', 'photos', 'china.jpg'));
  await writeFile(join(root, 'good', '.DS_Store'), 'x');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('loadImageFolder', () => {
  it('reads PNG and JPEG of any kind and size recursively, with subfolder names as labels', async () => {
    const folder = await loadImageFolder(join(root, 'good'), { size: [12, 16], channels: 3 });
    expect(folder.count).toBe(5);
    expect(folder.sampleShape).toEqual([12, 16, 3]);
    expect(folder.images.length).toBe(5 * 12 * 16 * 3);
    expect(folder.classNames).toEqual(['grey', 'photos']);
    expect([...folder.labels!]).toEqual([0, 0, 0, 0, 1]);
    expect(folder.files[0]).toBe(join('grey', 'deeper', 'p.png'));
    expect(folder.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    const grey = await loadImageFolder(join(root, 'good', 'photos'), { size: [8, 8], channels: 1 });
    expect(grey.sampleShape).toEqual([8, 8, 1]);
    expect(grey.labels).toBeUndefined();
    const padded = await loadImageFolder(join(root, 'good', 'photos'), {
      size: [8, 8],
      channels: 1,
      fit: 'pad',
    });
    // china.jpg is 427 x 640: fitted inside 8x8 it is 5.3 rows high, so the first and last row are padding.
    expect([...padded.images.subarray(0, 8)]).toEqual(new Array(8).fill(0));
    expect(padded.images.subarray(3 * 8, 4 * 8).every((v) => v > 0)).toBe(true);
  });

  it('covers then centre-crops: a 2x4 image to 2x2 keeps its middle columns', () => {
    const data = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]); // 2 x 4, one channel
    expect([...coverResize(data, 2, 4, 1, 2, 2)]).toEqual([1, 2, 5, 6]);
    const constant = new Float32Array(5 * 3 * 3).fill(0.25);
    expect(coverResize(constant, 5, 3, 3, 7, 9).every((v) => v === 0.25)).toBe(true);
  });

  it('resize stretches the whole image; pad fits it inside and fills the rest with 0', () => {
    const data = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]); // 2 x 4, one channel
    // Halving the width samples between column pairs: (0+1)/2, (2+3)/2, ...
    expect([...fitImage(data, 2, 4, 1, 2, 2, 'resize')]).toEqual([0.5, 2.5, 4.5, 6.5]);
    // 2x4 inside 4x4: scale 1, rows 1-2 hold the image, rows 0 and 3 are padding.
    expect([...fitImage(data, 2, 4, 1, 4, 4, 'pad')]).toEqual([
      0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0,
    ]);
    const constant = new Float32Array(5 * 3 * 3).fill(0.25);
    expect(fitImage(constant, 5, 3, 3, 7, 9, 'resize').every((v) => v === 0.25)).toBe(true);
    const padded = fitImage(constant, 5, 3, 3, 10, 10, 'pad'); // scale 2: a 10 x 6 image, 2 columns each side
    expect(padded.filter((v) => v === 0).length).toBe(10 * 4 * 3);
    expect(padded.filter((v) => v === 0.25).length).toBe(10 * 6 * 3);
    expect(() => fitImage(constant, 5, 3, 3, 7, 9, 'squash' as never)).toThrow(/crop, resize, pad/);
  });

  it('decodes on 2 worker threads into the same samples as the calling thread, with progress', async () => {
    const many = join(root, 'many');
    await mkdir(join(many, 'a'), { recursive: true });
    await mkdir(join(many, 'b'));
    const kinds = [
      'grey-16bit.png',
      'la-8bit.png',
      'grey-progressive.jpg',
      'rgb-8bit.png',
      'palette-4bit-trns.png',
    ];
    for (let i = 0; i < 40; i++) {
      await copyFile(
        join(fixtures, kinds[i % kinds.length]!),
        join(many, i < 20 ? 'a' : 'b', `${i}${kinds[i % kinds.length]!.slice(-4)}`),
      );
    }
    const seen: number[] = [];
    const options = { size: [10, 14] as [number, number], channels: 3 as const, fit: 'pad' as const };
    const one = await loadImageFolder(many, { ...options, workers: 1 });
    const two = await loadImageFolder(many, { ...options, workers: 2, onProgress: (p) => seen.push(p.done) });
    expect(one.workers).toBe(1);
    expect(two.workers).toBe(2);
    expect(two.count).toBe(40);
    expect(two.files).toEqual(one.files);
    expect([...two.labels!]).toEqual([...one.labels!]);
    expect(Buffer.from(two.images.buffer).equals(Buffer.from(one.images.buffer))).toBe(true);
    expect(seen.at(-1)).toBe(40);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('refuses a folder above maxBytes before decoding, naming the size it needs; limit reads an even share', async () => {
    const many = join(root, 'many');
    await expect(loadImageFolder(many, { size: [100, 100], channels: 3, maxBytes: 1e6 })).rejects.toThrow(
      /40 images of 100x100x3 need 4\.80 MB as float32, more than the limit of 1\.00 MB; read fewer of them \(the limit option\) or pass a smaller size/,
    );
    const some = await loadImageFolder(many, { size: [100, 100], channels: 3, maxBytes: 1e6, limit: 8 });
    expect(some.count).toBe(8);
    expect(some.classNames).toEqual(['a', 'b']);
    expect([...some.labels!]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('skipBad leaves out a non-image, a corrupt JPEG and a truncated PNG, and lists them', async () => {
    const mixed = join(root, 'mixed');
    await mkdir(mixed);
    const png = await readFile(join(fixtures, 'rgb-8bit.png'));
    const jpeg = await readFile(join(photos, 'flower.jpg'));
    await writeFile(join(mixed, 'cut.png'), png.subarray(0, png.length - 20));
    await writeFile(
      join(mixed, 'noise.jpg'),
      Buffer.concat([jpeg.subarray(0, 400), Buffer.alloc(2000, 0x55)]),
    );
    await writeFile(join(mixed, 'notes.txt'), 'hello');
    await copyFile(join(fixtures, 'grey-16bit.png'), join(mixed, 'grey.png'));
    await copyFile(join(photos, 'china.jpg'), join(mixed, 'rgb.jpg'));
    await expect(loadImageFolder(mixed, { size: [4, 4], channels: 3 })).rejects.toThrow(
      /notes\.txt: not a PNG or JPEG file/,
    );
    for (const workers of [1, 2]) {
      const folder = await loadImageFolder(mixed, { size: [4, 4], channels: 3, skipBad: true, workers });
      expect(folder.files).toEqual(['grey.png', 'rgb.jpg']);
      expect(folder.skipped.map((s) => s.file)).toEqual(['cut.png', 'noise.jpg', 'notes.txt']);
      expect(folder.images.length).toBe(2 * 4 * 4 * 3);
    }
  });

  it('names a non-image file, a truncated PNG and an empty folder', async () => {
    const bad = join(root, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'notes.txt'), 'hello');
    await expect(loadImageFolder(bad, { size: [4, 4], channels: 1 })).rejects.toThrow(
      /notes\.txt: not a PNG or JPEG file .*move it out of the folder/,
    );
    await rm(join(bad, 'notes.txt'));
    const png = await readFile(join(fixtures, 'rgb-8bit.png'));
    await writeFile(join(bad, 'cut.png'), png.subarray(0, png.length - 20));
    await expect(loadImageFolder(bad, { size: [4, 4], channels: 1 })).rejects.toThrow(/cut\.png/);
    await rm(join(bad, 'cut.png'));
    await expect(loadImageFolder(bad, { size: [4, 4], channels: 1 })).rejects.toThrow(/no PNG or JPEG files/);
  });
});
