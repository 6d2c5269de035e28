import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { cropPng, encodePng, imageGrid, writePng } from './index.js';

function decode(bytes: Uint8Array): pngjs.PNGWithMetadata {
  return pngjs.PNG.sync.read(Buffer.from(bytes));
}

/** RGBA of the decoded pixel (pngjs always decodes to RGBA). */
function at(png: pngjs.PNGWithMetadata, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return [...png.data.subarray(i, i + 4)];
}

describe('encodePng', () => {
  it('writes grayscale, RGB and RGBA pixels that decode back exactly', () => {
    const gray = decode(encodePng(Uint8Array.from([0, 64, 128, 255, 10, 20]), 3, 2));
    expect([gray.width, gray.height, gray.colorType]).toEqual([3, 2, 0]);
    expect(at(gray, 1, 0)).toEqual([64, 64, 64, 255]);
    expect(at(gray, 2, 1)).toEqual([20, 20, 20, 255]);
    const rgb = decode(encodePng(Uint8Array.from([255, 0, 0, 0, 255, 7]), 2, 1));
    expect(rgb.colorType).toBe(2);
    expect([at(rgb, 0, 0), at(rgb, 1, 0)]).toEqual([
      [255, 0, 0, 255],
      [0, 255, 7, 255],
    ]);
    const rgba = decode(encodePng(Uint8Array.from([1, 2, 3, 4]), 1, 1));
    expect(at(rgba, 0, 0)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a buffer whose length fits no channel count, naming the sizes', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 1)).toThrow(/5 values do not fit 2x1 pixels/);
  });
});

describe('cropPng', () => {
  it('cuts a region of a decoded image as RGB PNG bytes (grey in all three channels); outside: an error', () => {
    // 3x2 RGB image: pixel (x, y) = [x / 4, y / 4, 1].
    const data = Float32Array.from({ length: 18 }, (_, i) => {
      const p = Math.floor(i / 3);
      return [(p % 3) / 4, Math.floor(p / 3) / 4, 1][i % 3]!;
    });
    const png = decode(cropPng({ data, width: 3, height: 2, channels: 3 }, 1, 0, 2, 2));
    expect([png.width, png.height]).toEqual([2, 2]);
    expect(at(png, 1, 1)).toEqual([128, 64, 255, 255]);
    const grey = decode(cropPng({ data: [0.5, 1], width: 2, height: 1, channels: 1 }, 1, 0, 1, 1));
    expect(at(grey, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(() => cropPng({ data, width: 3, height: 2, channels: 3 }, 2, 0, 2, 2)).toThrow(
      /cropPng: the 2x2 region at \(2, 0\) leaves the 3x2 image; pass a region inside it/,
    );
  });
});

describe('imageGrid', () => {
  it('lays out gray samples upscaled x2 with gaps, originals above reconstructions', () => {
    // Two 2x2 samples per row; values chosen to map to exact bytes.
    const originals = Float32Array.from([0, 1, 0.2, 0.4, 0.6, 0.8, 1, 0]);
    const recon = Float32Array.from([0.5, 0.5, 0.5, 0.5, -1, 2, Number.NaN, 0.1]);
    const png = decode(imageGrid([originals, recon], [2, 2, 1]));
    // width = gap + 2 * (2*2 + gap) = 2 + 2 * 6 = 14; height likewise for 2 lines
    expect([png.width, png.height, png.colorType]).toEqual([14, 14, 0]);
    expect(at(png, 0, 0)[0]).toBe(255); // background
    expect(at(png, 2, 2)[0]).toBe(0); // sample 0 pixel (0,0), block of 2x2
    expect(at(png, 3, 3)[0]).toBe(0);
    expect(at(png, 4, 2)[0]).toBe(255); // sample 0 pixel (1,0) = 1
    expect(at(png, 2, 4)[0]).toBe(51); // 0.2 * 255
    expect(at(png, 5, 5)[0]).toBe(102); // 0.4 * 255
    expect(at(png, 8, 2)[0]).toBe(153); // sample 1 starts at x = 2 + 6
    expect(at(png, 10, 4)[0]).toBe(0); // sample 1 pixel (1,1) = 0
    expect(at(png, 2, 8)[0]).toBe(128); // reconstruction line starts at y = 8
    expect(at(png, 8, 8)[0]).toBe(0); // -1 clamps to 0
    expect(at(png, 10, 8)[0]).toBe(255); // 2 clamps to 1
    expect(at(png, 8, 10)[0]).toBe(0); // NaN draws as 0
    expect(at(png, 11, 11)[0]).toBe(26); // 0.1 * 255 = 25.5 -> 26
  });

  it('draws RGB samples in colour and wraps rows longer than `columns`', () => {
    const red = [1, 0, 0];
    const blue = [0, 0, 1];
    const row = Float32Array.from([...red, ...blue, ...red]); // three 1x1 RGB samples
    const png = decode(imageGrid([row], [1, 1, 3], { columns: 2, scale: 3, gap: 1 }));
    expect(png.colorType).toBe(2);
    // width = 1 + 2 * (3 + 1) = 9; two lines: height = 1 + 2 * 4 = 9
    expect([png.width, png.height]).toEqual([9, 9]);
    expect(at(png, 1, 1)).toEqual([255, 0, 0, 255]);
    expect(at(png, 7, 3)).toEqual([0, 0, 255, 255]);
    expect(at(png, 3, 7)).toEqual([255, 0, 0, 255]); // third sample wrapped onto line 2
    expect(at(png, 7, 7)).toEqual([255, 255, 255, 255]); // empty cell stays background
  });

  it('refuses a row that is not a whole number of samples', () => {
    expect(() => imageGrid([new Float32Array(5)], [2, 2, 1])).toThrow(/row 0 has 5 values.*of 4/);
    expect(() => imageGrid([new Float32Array(4)], [2, 2, 2])).toThrow(/sampleShape/);
  });
});

describe('writePng', () => {
  it('writes the file atomically (no temporary left) and encodes raw pixels when given a size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aekit-png-'));
    await writePng(join(dir, 'a', 'grid.png'), imageGrid([new Float32Array(4).fill(0.5)], [2, 2]));
    await writePng(join(dir, 'a', 'raw.png'), Uint8Array.from([9, 8]), 2, 1);
    expect((await readdir(join(dir, 'a'))).sort()).toEqual(['grid.png', 'raw.png']);
    expect(at(decode(await readFile(join(dir, 'a', 'grid.png'))), 3, 3)[0]).toBe(128);
    expect(at(decode(await readFile(join(dir, 'a', 'raw.png'))), 1, 0)[0]).toBe(8);
    await expect(writePng(join(dir, 'bad.png'), Uint8Array.from([1, 2, 3]))).rejects.toThrow(/not a PNG/);
  });
});
