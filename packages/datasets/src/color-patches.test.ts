import { setLogger } from '@aekit/core';
import { codeOf } from '@aekit/core/testing';
import { describe, expect, it } from 'vitest';
import { loadColorPatches, type RgbImage, readJpeg, toGrayscale } from './color-patches.js';
import { packagedFile } from './packaged-data.js';

setLogger({ info() {}, warn() {} });

describe('readJpeg', () => {
  it('decodes the shipped photos like libjpeg-turbo does (channel means within 1/255)', () => {
    // Reference: djpeg (libjpeg-turbo 2.1.5) on the same files.
    const reference = {
      china: [144.7197, 145.4687, 140.9186],
      flower: [55.1342, 73.5791, 57.0002],
    };
    for (const [name, means] of Object.entries(reference)) {
      const image = readJpeg(packagedFile(`photos/${name}.jpg`));
      expect([image.width, image.height]).toEqual([640, 427]);
      const sums = [0, 0, 0];
      image.data.forEach((v, i) => {
        sums[i % 3]! += v;
      });
      sums.forEach((s, c) => {
        expect(Math.abs(s / (640 * 427) - means[c]!)).toBeLessThan(1);
      });
    }
    expect(codeOf(() => readJpeg(packagedFile('ecg/ecg.dat')))).toBe('DATA_INVALID');
  });
});

/** The top row of the first position where `patch` (size x size RGB in [0, 1]) occurs in `photo`, or -1. */
function patchRow(photo: RgbImage, patch: Float32Array, size: number): number {
  const first = Math.round(patch[0]! * 255);
  for (let y = 0; y + size <= photo.height; y++) {
    for (let x = 0; x + size <= photo.width; x++) {
      if (photo.data[(y * photo.width + x) * 3] !== first) continue;
      let same = true;
      for (let i = 0; i < size * size * 3 && same; i++) {
        const py = Math.floor(i / (size * 3));
        same =
          photo.data[((y + py) * photo.width + x) * 3 + (i % (size * 3))] === Math.round(patch[i]! * 255);
      }
      if (same) return y;
    }
  }
  return -1;
}

describe('loadColorPatches', () => {
  it('cuts seeded 32x32 RGB patches in [0, 1] from both photos', () => {
    const a = loadColorPatches({ count: 64, seed: 1 });
    expect(a.sampleShape).toEqual([32, 32, 3]);
    expect(a.images.length).toBe(64 * 32 * 32 * 3);
    expect(a.sources.map((s) => s.path.split('/').pop())).toEqual(['china.jpg', 'flower.jpg']);
    expect(a.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    const b = loadColorPatches({ count: 64, seed: 1 });
    expect(Array.from(b.images.subarray(0, 3072))).toEqual(Array.from(a.images.subarray(0, 3072)));
    const c = loadColorPatches({ count: 64, seed: 2 });
    expect(Array.from(c.images.subarray(0, 3072))).not.toEqual(Array.from(a.images.subarray(0, 3072)));
    // Real photos: colourful (channels differ) and textured (patches differ from each other).
    let chroma = 0;
    for (let i = 0; i < a.images.length; i += 3) {
      chroma += Math.abs(a.images[i]! - a.images[i + 2]!);
    }
    expect(chroma / (a.images.length / 3)).toBeGreaterThan(0.03);
    const means = Array.from(
      { length: 64 },
      (_, n) => a.images.subarray(n * 3072, (n + 1) * 3072).reduce((s, v) => s + v, 0) / 3072,
    );
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(0.2);
  });

  it('patches equal the photo pixels at some position', () => {
    const one = loadColorPatches({ count: 1, size: 8, seed: 3, paths: [packagedFile('photos/flower.jpg')] });
    const photo = readJpeg(packagedFile('photos/flower.jpg'));
    expect(patchRow(photo, one.images, 8)).toBeGreaterThanOrEqual(0);
    expect(codeOf(() => loadColorPatches({ size: 500 }))).toBe('OPTION_INVALID');
    expect(codeOf(() => loadColorPatches({ paths: ['/nonexistent.jpg'] }))).toBe('DATA_NOT_FOUND');
  });

  it('band keeps the patches inside rows [top, bottom] of each photo', () => {
    const path = packagedFile('photos/flower.jpg');
    const photo = readJpeg(path);
    for (const seed of [1, 2, 3]) {
      const low = loadColorPatches({ count: 1, size: 8, seed, paths: [path], band: [0.9, 1] });
      const high = loadColorPatches({ count: 1, size: 8, seed, paths: [path], band: [0, 0.1] });
      expect(patchRow(photo, low.images, 8)).toBeGreaterThanOrEqual(Math.ceil(0.9 * photo.height));
      const y = patchRow(photo, high.images, 8);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y + 8).toBeLessThanOrEqual(Math.floor(0.1 * photo.height));
    }
    expect(codeOf(() => loadColorPatches({ band: [0.5, 0.5] }))).toBe('OPTION_INVALID');
    expect(codeOf(() => loadColorPatches({ band: [0.99, 1] }))).toBe('OPTION_INVALID'); // 4 rows < 32
  });
});

describe('toGrayscale', () => {
  it('uses the BT.601 weights', () => {
    const g = toGrayscale(Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1));
    expect(Array.from(g).map((v) => Number(v.toFixed(6)))).toEqual([0.299, 0.587, 0.114, 1]);
    expect(codeOf(() => toGrayscale(new Float32Array(4)))).toBe('OPTION_INVALID');
  });
});
