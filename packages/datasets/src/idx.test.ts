import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { codeOf } from '@aekit/core/testing';
import { describe, expect, it } from 'vitest';
import { readIdx, writeIdx } from './idx.js';

describe('readIdx', () => {
  const pixels = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
  const file = writeIdx([2, 3, 4], pixels);

  it('round-trips plain and gzipped IDX', () => {
    for (const bytes of [file, new Uint8Array(gzipSync(file))]) {
      const { dims, data } = readIdx(bytes);
      expect(dims).toEqual([2, 3, 4]);
      expect(Array.from(data)).toEqual(Array.from(pixels));
    }
    const labels = readIdx(writeIdx([3], Uint8Array.of(7, 8, 9)));
    expect(labels.dims).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([7, 8, 9]);
  });

  it('rejects a corrupt magic with DATA_INVALID naming the file', () => {
    const bad = file.slice();
    bad[2] = 0x0d; // float type instead of ubyte
    expect(() => readIdx(bad, 'bad.idx')).toThrow(/bad\.idx: bad IDX magic 0x00000d03/);
    expect(codeOf(() => readIdx(bad))).toBe('DATA_INVALID');
    expect(codeOf(() => readIdx(Uint8Array.of(0, 0, 8)))).toBe('DATA_INVALID');
  });

  it('rejects a truncated file with the expected and actual lengths', () => {
    const cut = file.subarray(0, file.length - 5);
    expect(() => readIdx(cut, 'cut.idx')).toThrow(/cut\.idx: length mismatch .* expected 40 bytes .* got 35/);
    expect(codeOf(() => readIdx(cut))).toBe('DATA_INVALID');
    expect(codeOf(() => readIdx(file.subarray(0, 10)))).toBe('DATA_INVALID'); // inside the header
  });

  it('rejects trailing bytes, zero dims and a truncated gzip stream', () => {
    const longer = new Uint8Array(file.length + 3);
    longer.set(file);
    expect(() => readIdx(longer)).toThrow(/expected 40 bytes .* got 43 \(trailing bytes\)/);
    const zero = writeIdx([2, 3, 4], pixels);
    zero[7] = 0; // first dim 2 -> 0
    expect(() => readIdx(zero)).toThrow(/dimension 0 is 0/);
    const gz = new Uint8Array(gzipSync(file));
    const cutGz = gz.subarray(0, gz.length - 12);
    expect(() => readIdx(cutGz, 'x.gz')).toThrow(/x\.gz: the gzip stream is corrupt or truncated/);
    expect(codeOf(() => readIdx(cutGz))).toBe('DATA_INVALID');
  });

  it("reads MNIST's gzipped test files: 10000 images of 28x28 bytes in 0..255 and their labels", () => {
    const mnist = new URL('../../../fixtures/mnist/', import.meta.url);
    const images = readIdx(readFileSync(new URL('t10k-images-idx3-ubyte.gz', mnist)));
    expect(images.dims).toEqual([10000, 28, 28]);
    let [min, max] = [255, 0];
    for (const v of images.data) [min, max] = [Math.min(min, v), Math.max(max, v)];
    expect([min, max]).toEqual([0, 255]);
    const labels = readIdx(readFileSync(new URL('t10k-labels-idx1-ubyte.gz', mnist)));
    expect(labels.dims).toEqual([10000]);
    expect(Array.from(labels.data.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('writeIdx checks that dims match the data', () => {
    expect(codeOf(() => writeIdx([2, 2], new Uint8Array(3)))).toBe('SHAPE_MISMATCH');
  });
});
