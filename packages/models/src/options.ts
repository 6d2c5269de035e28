import { type LayerInput, OptionError } from '@aekit/core';

/** Checks that a spatial size survives `downsamplings` stride-2 'same' steps and comes back by doubling. */
export function requireDivisible(what: string, inputShape: readonly number[], factor: number): void {
  const [h, w] = inputShape;
  if (inputShape.length !== 3 || h === undefined || w === undefined || h % factor !== 0 || w % factor !== 0) {
    throw new OptionError(
      `${what}: inputShape must be [height, width, channels] with height and width divisible by ${factor}, got [${inputShape.join(', ')}]; pad or resize the images (e.g. 28x28 or 32x32)`,
      { details: { expected: `[h, w, c] with h, w divisible by ${factor}`, actual: [...inputShape] } },
    );
  }
}

/** Throws an OptionError unless `value` is a finite number within [min, max]. */
export function requireNumber(
  what: string,
  value: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new OptionError(`${what} must be a number in [${min}, ${max}], got ${value}`, {
      details: { expected: [min, max], actual: value },
    });
  }
}

/** A reshape layer to `shape` (a fresh mutable copy). */
export function reshapeTo(shape: readonly number[]): LayerInput {
  return { type: 'reshape', targetShape: [...shape] };
}
