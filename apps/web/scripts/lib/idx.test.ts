import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readIdxImages, readIdxLabels } from './idx.js';

const mnist = resolve(fileURLToPath(import.meta.url), '../../../../..', 'fixtures/mnist');

describe('readIdx', () => {
  it("reads MNIST's test images in [0, 1] and their labels", () => {
    const images = readIdxImages(join(mnist, 't10k-images-idx3-ubyte.gz'), 100);
    expect([images.count, images.height, images.width]).toEqual([100, 28, 28]);
    expect(Math.max(...images.data)).toBe(1);
    expect(Math.min(...images.data)).toBe(0);
    const labels = readIdxLabels(join(mnist, 't10k-labels-idx1-ubyte.gz'));
    expect(labels.length).toBe(10_000);
    expect([...labels.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
  });

  it('rejects a file of the wrong kind, naming both magic numbers', () => {
    expect(() => readIdxLabels(join(mnist, 't10k-images-idx3-ubyte.gz'))).toThrow(/0x803, expected 0x801/);
  });
});
