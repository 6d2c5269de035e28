import { codeOf } from '@aekit/core/testing';
import { describe, expect, it } from 'vitest';
import { shuffledBatches, subset, trainValidationSplit } from './batching.js';
import type { ImageDataset } from './image-dataset.js';

function fakeDataset(count: number): ImageDataset {
  const images = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) images.fill(i / count, i * 4, (i + 1) * 4);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return {
    name: 'fake',
    split: 'train',
    images,
    labels,
    count,
    sampleShape: [2, 2, 1],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    source: { kind: 'sample', path: 'memory' },
  };
}

describe('shuffledBatches', () => {
  it('covers every index once, in batches of the given size, reproducibly', () => {
    const batches = shuffledBatches(103, 10, 7);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    const all = batches.flatMap((b) => Array.from(b)).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(shuffledBatches(103, 10, 7).map((b) => Array.from(b))).toEqual(batches.map((b) => Array.from(b)));
    const other = shuffledBatches(103, 10, 8);
    expect(Array.from(other[0]!)).not.toEqual(Array.from(batches[0]!));
    // Shuffled: far from the identity order.
    const first = batches.flatMap((b) => Array.from(b));
    expect(first.filter((v, i) => v === i).length).toBeLessThan(10);
    expect(shuffledBatches(103, 10, 7, { dropRemainder: true }).length).toBe(10);
    expect(codeOf(() => shuffledBatches(10, 0, 1))).toBe('OPTION_INVALID');
  });
});

describe('trainValidationSplit and subset', () => {
  it('splits disjointly with the requested fraction', () => {
    const ds = fakeDataset(200);
    const { train, validation } = trainValidationSplit(ds, 0.15, 3);
    expect([train.count, validation.count]).toEqual([170, 30]);
    expect(train.images.length).toBe(170 * 4);
    const ids = (d: ImageDataset) =>
      Array.from({ length: d.count }, (_, i) => Math.round(d.images[i * 4]! * 200));
    const seen = new Set([...ids(train), ...ids(validation)]);
    expect(seen.size).toBe(200);
    // labels travel with their images
    for (let i = 0; i < validation.count; i++) {
      expect(validation.labels[i]).toBe(Math.round(validation.images[i * 4]! * 200) % 10);
    }
    expect(codeOf(() => trainValidationSplit(ds, 1, 3))).toBe('OPTION_INVALID');
    expect(codeOf(() => trainValidationSplit(fakeDataset(3), 0.1, 3))).toBe('OPTION_INVALID');
  });

  it('takes the first n samples or a seeded random n', () => {
    const ds = fakeDataset(50);
    const first = subset(ds, 5);
    expect(first.count).toBe(5);
    expect(Array.from(first.labels)).toEqual([0, 1, 2, 3, 4]);
    const random = subset(ds, 5, 1);
    expect(random.count).toBe(5);
    expect(new Set(random.labels).size).toBeGreaterThan(1);
    expect(Array.from(random.labels)).not.toEqual([0, 1, 2, 3, 4]);
    expect(codeOf(() => subset(ds, 51))).toBe('OPTION_INVALID');
  });

  it('works on unlabelled sample sets (e.g. colour patches)', () => {
    const patches = {
      images: Float32Array.from({ length: 10 * 12 }, (_, i) => Math.floor(i / 12)),
      count: 10,
      sampleShape: [2, 2, 3],
    };
    const { train, validation } = trainValidationSplit(patches, 0.2, 1);
    expect([train.count, validation.count]).toEqual([8, 2]);
    expect('labels' in train).toBe(false);
    const ids = [
      ...train.images.filter((_, i) => i % 12 === 0),
      ...validation.images.filter((_, i) => i % 12 === 0),
    ];
    expect(ids.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(subset(patches, 2).images.subarray(12, 13))).toEqual([1]);
  });
});
