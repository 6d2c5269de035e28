import { ShapeMismatchError } from './errors.js';

/** A dense float32 tensor as plain data, row-major, shape without hidden axes. */
export interface TensorData {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A tensor with a stable name, e.g. `encoder.0.kernel`. */
export interface NamedTensor extends TensorData {
  readonly name: string;
}

/** Number of elements of a shape (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

/** Builds a tensor after checking that `data.length` matches `shape`. */
export function tensor(data: Float32Array, shape: readonly number[], what = 'tensor'): TensorData {
  const expected = shapeSize(shape);
  if (data.length !== expected) {
    throw new ShapeMismatchError(
      `${what}: shape ${formatShape(shape)} needs ${expected} values, got ${data.length}`,
      expected,
      data.length,
    );
  }
  return { shape: [...shape], data };
}

/**
 * Number of samples in a flat batch of samples of `sampleShape`; throws when the length is not a multiple.
 */
export function batchCount(data: Float32Array, sampleShape: readonly number[], what = 'input'): number {
  const per = shapeSize(sampleShape);
  if (per === 0 || data.length % per !== 0) {
    throw new ShapeMismatchError(
      `${what}: ${data.length} values is not a whole number of samples of shape ${formatShape(sampleShape)} (${per} values each)`,
      per,
      data.length,
    );
  }
  return data.length / per;
}
