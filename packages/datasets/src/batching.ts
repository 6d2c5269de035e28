import { createRng, gatherRows, OptionError } from '@aekit/core';

/**
 * Anything with `count` samples of `sampleShape` in `images`, and optionally one label per sample:
 * an `ImageDataset`, `ColorPatches`...
 */
export interface SampleSet {
  readonly images: Float32Array;
  readonly count: number;
  readonly sampleShape: readonly number[];
  readonly labels?: Uint8Array;
  readonly name?: string;
}

function positiveInt(what: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new OptionError(`${what} must be a positive integer, got ${value}`, {
      details: { expected: 'positive integer', actual: value },
    });
  }
}

/** A permutation of `0..count-1` shuffled with `createRng(seed)`. */
export function shuffledIndices(count: number, seed: number): Uint32Array {
  if (!(Number.isInteger(count) && count >= 0)) {
    throw new OptionError(`count must be a non-negative integer, got ${count}`, {
      details: { expected: 'non-negative integer', actual: count },
    });
  }
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  createRng(seed).shuffle(order);
  return order;
}

/**
 * Splits a seeded permutation of `0..count-1` into batches of `batchSize` indices (the last one smaller unless
 * `dropRemainder`). The same seed gives the same batches; use a new seed per epoch (e.g. `seed + epoch`).
 */
export function shuffledBatches(
  count: number,
  batchSize: number,
  seed: number,
  options: { dropRemainder?: boolean } = {},
): Uint32Array[] {
  positiveInt('batchSize', batchSize);
  const order = shuffledIndices(count, seed);
  const batches: Uint32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    if (end - start < batchSize && options.dropRemainder) break;
    batches.push(order.subarray(start, end));
  }
  return batches;
}

function sampleSizeOf(dataset: SampleSet): number {
  return dataset.sampleShape.reduce((a, b) => a * b, 1);
}

/** A dataset holding the samples of `dataset` at `indices`, in that order. */
export function selectSamples<T extends SampleSet>(dataset: T, indices: ArrayLike<number>): T {
  return {
    ...dataset,
    images: gatherRows(dataset.images, sampleSizeOf(dataset), indices),
    ...(dataset.labels ? { labels: gatherRows(dataset.labels, 1, indices) } : {}),
    count: indices.length,
  };
}

/**
 * Splits a dataset into disjoint train and validation parts: a seeded shuffle, then the first
 * `round(count * validationFraction)` samples go to validation. Both parts keep the name, split and source.
 */
export function trainValidationSplit<T extends SampleSet>(
  dataset: T,
  validationFraction: number,
  seed: number,
): { train: T; validation: T } {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new OptionError(`validationFraction must be in (0, 1), got ${validationFraction}`, {
      details: { expected: '(0, 1)', actual: validationFraction },
    });
  }
  const nValidation = Math.round(dataset.count * validationFraction);
  if (nValidation === 0 || nValidation === dataset.count) {
    throw new OptionError(
      `validationFraction ${validationFraction} of ${dataset.count} samples leaves ${nValidation} for validation ` +
        `and ${dataset.count - nValidation} for training; both need at least one: use more samples or another fraction`,
      { details: { count: dataset.count, validationFraction } },
    );
  }
  const order = shuffledIndices(dataset.count, seed);
  return {
    train: selectSamples(dataset, order.subarray(nValidation)),
    validation: selectSamples(dataset, order.subarray(0, nValidation)),
  };
}

/**
 * The first `n` samples of a dataset (or, with a `seed`, `n` samples drawn at random without replacement).
 * `n` larger than the dataset is an error, so a test never silently runs on fewer samples than it asked for.
 */
export function subset<T extends SampleSet>(dataset: T, n: number, seed?: number): T {
  positiveInt('n', n);
  if (n > dataset.count) {
    throw new OptionError(
      `subset: asked for ${n} samples but ${dataset.name ?? 'the dataset'} has only ${dataset.count}`,
      {
        details: { expected: `<= ${dataset.count}`, actual: n },
      },
    );
  }
  if (seed === undefined) {
    const size = sampleSizeOf(dataset);
    return {
      ...dataset,
      images: dataset.images.slice(0, n * size),
      ...(dataset.labels ? { labels: dataset.labels.slice(0, n) } : {}),
      count: n,
    };
  }
  return selectSamples(dataset, shuffledIndices(dataset.count, seed).subarray(0, n));
}
