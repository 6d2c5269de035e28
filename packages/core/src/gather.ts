import { OptionError, ShapeMismatchError } from './errors.js';

/**
 * Copies the samples at `indices` (each `sampleSize` consecutive values of `data`) into a new array of the
 * same type, in the order given: images or tables (Float32Array), labels (Uint8Array, sampleSize 1); with
 * `into`, into its first indices.length * sampleSize values instead (a view of them is returned). Every
 * index is checked: one outside the data throws OptionError naming it and its position.
 */
export function gatherRows<T extends Float32Array | Uint8Array | Int32Array>(
  data: T,
  sampleSize: number,
  indices: ArrayLike<number>,
  what = 'gatherRows',
  into?: T,
): T {
  if (!(Number.isInteger(sampleSize) && sampleSize > 0)) {
    throw new OptionError(`${what}: sampleSize must be a positive integer, got ${sampleSize}`, {
      details: { expected: 'positive integer', actual: sampleSize },
    });
  }
  if (data.length % sampleSize !== 0) {
    throw new ShapeMismatchError(
      `${what}: ${data.length} values is not a whole number of samples of ${sampleSize} values`,
      sampleSize,
      data.length,
    );
  }
  const count = data.length / sampleSize;
  const length = indices.length * sampleSize;
  if (into !== undefined && into.length < length) {
    throw new ShapeMismatchError(
      `${what}: into holds ${into.length} values, ${length} needed`,
      length,
      into.length,
    );
  }
  const out =
    into === undefined
      ? new (data.constructor as new (length: number) => T)(length)
      : (into.subarray(0, length) as T);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (!(Number.isInteger(index) && index >= 0 && index < count)) {
      throw new OptionError(`${what}: index ${index} at position ${i} is outside 0..${count - 1}`, {
        details: { expected: `0..${count - 1}`, actual: index },
      });
    }
    out.set(data.subarray(index * sampleSize, (index + 1) * sampleSize), i * sampleSize);
  }
  return out;
}
