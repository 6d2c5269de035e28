import { batchCount, formatShape, ShapeMismatchError, shapeSize } from '@aekit/core';

/** Checks x (and y) of a data set against the model's shapes; returns the number of samples. */
export function checkPairs(
  x: Float32Array,
  y: Float32Array | undefined,
  inputShape: readonly number[],
  outputShape: readonly number[],
  what: string,
): number {
  if (!(x instanceof Float32Array)) {
    throw new ShapeMismatchError(
      `${what}.x must be a Float32Array, got ${typeof x}`,
      'Float32Array',
      typeof x,
    );
  }
  const n = batchCount(x, inputShape, `${what}.x`);
  if (y !== undefined) {
    const m = batchCount(y, outputShape, `${what}.y`);
    if (m !== n) {
      throw new ShapeMismatchError(
        `${what}: x holds ${n} samples of ${formatShape(inputShape)} but y holds ${m} samples of ${formatShape(outputShape)}; give one target per input`,
        n,
        m,
      );
    }
  } else if (shapeSize(inputShape) !== shapeSize(outputShape)) {
    throw new ShapeMismatchError(
      `${what}: the model maps ${formatShape(inputShape)} to ${formatShape(outputShape)}, so targets y are required`,
      formatShape(outputShape),
      'no y',
    );
  }
  return n;
}

/** Lets timers and AbortSignals run between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}
