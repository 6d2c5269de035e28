import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { AekitError } from '@aekit/core';
import { codeOf, codeOfAsync } from '@aekit/core/testing';
import { describe, expect, it } from 'vitest';
import { decodeImage, imageChannels, readImageFile } from './image-decode.js';

/**
 * Fixtures written by real encoders (Pillow, ImageMagick: scripts/make-image-fixtures.py), 7x5 pixels each;
 * expected.json holds the samples handed to the encoder (PNG) or libjpeg's decode of the file (JPEG).
 */
const DIR = fileURLToPath(new URL('../fixtures/images/', import.meta.url));
interface Expected {
  width: number;
  height: number;
  channels: number;
  max: number;
  samples: number[];
  lossy?: boolean;
  png?: { depth: number; colourType: number; interlace: number };
}
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
const bytesOf = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const decodable = Object.keys(EXPECTED).filter((n) => n !== 'grey-1bit-interlaced.png');

function errorOf(fn: () => unknown): AekitError {
  try {
    fn();
  } catch (e) {
    if (AekitError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

/** `bytes` with the CRC of the chunk at `offset` (its length field) recomputed. */
function fixCrc(bytes: Uint8Array, offset: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const length = view.getUint32(offset);
  view.setUint32(offset + 8 + length, crc32(bytes.subarray(offset + 4, offset + 8 + length)));
  return bytes;
}

describe('decodeImage', () => {
  it('has a fixture of every PNG bit depth and colour type, and baseline + progressive JPEG', () => {
    const kinds = new Set(
      Object.values(EXPECTED)
        .map((e) => e.png)
        .filter((p) => p !== undefined)
        .map((p) => `${p.colourType}/${p.depth}`),
    );
    // colour type/depth: grey 1 2 4 8 16, RGB 8 16, palette 1 2 4 8, grey+alpha 8 16, RGBA 8 16.
    for (const k of ['0/1', '0/2', '0/4', '0/8', '0/16', '2/8', '2/16', '3/1', '3/2', '3/4', '3/8']) {
      expect(kinds).toContain(k);
    }
    for (const k of ['4/8', '4/16', '6/8', '6/16']) expect(kinds).toContain(k);
    expect(readdirSync(DIR).filter((f) => f.endsWith('.jpg'))).toHaveLength(4);
  });

  it.each(decodable)('%s decodes to the known samples in [0, 1]', (name) => {
    const want = EXPECTED[name] as Expected;
    const image = decodeImage(bytesOf(name), name);
    expect([image.width, image.height, image.channels]).toEqual([want.width, want.height, want.channels]);
    expect(image.format).toBe(name.endsWith('.png') ? 'png' : 'jpeg');
    expect(image.data).toHaveLength(want.width * want.height * want.channels);
    if (want.lossy) {
      // jpeg-js against libjpeg: the same JPEG, two IDCTs.
      let max = 0;
      for (let i = 0; i < want.samples.length; i++) {
        max = Math.max(max, Math.abs((image.data[i] as number) * 255 - (want.samples[i] as number)));
      }
      expect(max).toBeLessThanOrEqual(3);
    } else {
      const expected = Float32Array.from(want.samples, (v) => v / want.max);
      expect(image.data).toEqual(expected);
      expect(image.bitDepth).toBe(want.png?.depth);
    }
  });

  it('a 1-bit PNG gives samples 0 and 1, not its packed bytes (issue #14 item 6)', () => {
    const image = decodeImage(bytesOf('grey-1bit.png'), 'grey-1bit.png');
    expect(new Set(image.data)).toEqual(new Set([0, 1]));
    expect(Math.max(...decodeImage(bytesOf('palette-1bit.png')).data)).toBeLessThanOrEqual(1);
  });

  it('refuses interlaced PNGs of fewer than 8 bits with the fix, instead of decoding them wrong', () => {
    const e = errorOf(() => decodeImage(bytesOf('grey-1bit-interlaced.png'), 'x/grey.png'));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toMatch(/^x\/grey\.png: interlaced \(Adam7\) PNGs of 1 bits .* -interlace none/);
  });

  it('truncated files at any length give one DataError naming the file and what to do', () => {
    for (const name of Object.keys(EXPECTED)) {
      const bytes = bytesOf(name);
      for (const cut of [1, 9, 20, 33, Math.floor(bytes.length / 2), bytes.length - 13, bytes.length - 1]) {
        const e = errorOf(() => decodeImage(bytes.subarray(0, cut), `photos/${name}`));
        expect(e.code, `${name} cut at ${cut}`).toBe('DATA_INVALID');
        expect(e.message, `${name} cut at ${cut}`).toMatch(
          new RegExp(`^photos/${name.replace('.', '\\.')}: `),
        );
        expect(e.message).toMatch(/re-save|convert it|re-download/);
      }
    }
  });

  it('a flipped byte in the image data is a CRC error, not a silently different image', () => {
    const bytes = bytesOf('rgb-8bit.png');
    const idat = Buffer.from(bytes).indexOf('IDAT') - 4;
    bytes[idat + 10] = (bytes[idat + 10] as number) ^ 0x55;
    expect(errorOf(() => decodeImage(bytes, 'a.png')).message).toMatch(/^a\.png: /);
  });

  it('image data that inflate to fewer or more bytes than the header needs are refused', () => {
    // Claim 6 rows where the data hold 5 (CRC fixed, so only the size check can tell).
    const bytes = bytesOf('grey-8bit.png');
    new DataView(bytes.buffer).setUint32(20, 6);
    const e = errorOf(() => decodeImage(fixCrc(bytes, 8), 'g.png'));
    expect(e.message).toMatch(
      /^g\.png: the image data hold 40 bytes, a 7x6 image of this kind needs 48 \(truncated\)/,
    );
    const more = bytesOf('grey-8bit.png');
    new DataView(more.buffer).setUint32(20, 4);
    expect(errorOf(() => decodeImage(fixCrc(more, 8), 'g.png')).message).toMatch(
      /inflate to more than the 32 bytes/,
    );
  });

  it('an image larger than maxPixels is refused before anything is decoded', () => {
    const bytes = bytesOf('rgb-8bit.png');
    new DataView(bytes.buffer).setUint32(16, 100_000);
    new DataView(bytes.buffer).setUint32(20, 100_000);
    expect(errorOf(() => decodeImage(fixCrc(bytes, 8), 'big.png')).message).toMatch(
      /^big\.png: 100000x100000 pixels is more than the limit of 67108864; resize the image/,
    );
    expect(codeOf(() => decodeImage(bytesOf('rgb-8bit.png'), 'x', { maxPixels: 34 }))).toBe('DATA_INVALID');
  });

  it('neither PNG nor JPEG (or empty) names the file and what it starts with', () => {
    expect(errorOf(() => decodeImage(new TextEncoder().encode('GIF89a...'), 'a.gif')).message).toBe(
      'a.gif: not a PNG or JPEG file (it starts with 47 49 46 38 39 61 2e 2e); convert it to PNG or JPEG',
    );
    expect(errorOf(() => decodeImage(new Uint8Array(0), 'e.png')).message).toMatch(/nothing: it is empty/);
  });

  it('readImageFile: a missing file is DATA_NOT_FOUND naming the path', async () => {
    expect(await codeOfAsync(readImageFile(join(DIR, 'nope.png')))).toBe('DATA_NOT_FOUND');
    expect((await readImageFile(join(DIR, 'grey-8bit.png'))).source).toBe(join(DIR, 'grey-8bit.png'));
  });

  it('imageChannels: BT.601 luma for colour, repetition for grey, alpha dropped', () => {
    const rgba = decodeImage(bytesOf('rgba-8bit.png'));
    const grey = imageChannels(rgba, 1);
    const s = EXPECTED['rgba-8bit.png']?.samples as number[];
    expect(grey[0]).toBeCloseTo((0.299 * s[0]! + 0.587 * s[1]! + 0.114 * s[2]!) / 255, 6);
    expect(Array.from(imageChannels(rgba, 3).subarray(0, 3))).toEqual(Array.from(rgba.data.subarray(0, 3)));
    const g = decodeImage(bytesOf('grey-4bit.png'));
    const rgb = imageChannels(g, 3);
    expect([rgb[3], rgb[4], rgb[5]]).toEqual([g.data[1], g.data[1], g.data[1]]);
    expect(imageChannels(decodeImage(bytesOf('la-8bit.png')), 1)).toEqual(
      decodeImage(bytesOf('la-8bit.png')).data.filter((_, i) => i % 2 === 0),
    );
  });
});
