import { type LayerInput, OptionError } from '@aekit/core';

/** The multiples of `factor` nearest to `size` (one when it is below `factor`), e.g. 30 -> [28, 32] for 4. */
export function nearestMultiples(size: number, factor: number): number[] {
  const below = Math.floor(size / factor) * factor;
  return below >= factor ? [below, below + factor] : [factor];
}

/** Checks that a spatial size survives `downsamplings` stride-2 'same' steps and comes back by doubling. */
export function requireDivisible(what: string, inputShape: readonly number[], factor: number): void {
  const [h, w, c] = inputShape;
  if (inputShape.length !== 3 || h === undefined || w === undefined || c === undefined) {
    throw new OptionError(
      `${what}: inputShape must be [height, width, channels], got [${inputShape.join(', ')}]; pass images, e.g. [28, 28, 1]`,
      { details: { expected: '[h, w, c]', actual: [...inputShape] } },
    );
  }
  const bad = (
    [
      ['height', h],
      ['width', w],
    ] as const
  ).filter(([, size]) => size % factor !== 0);
  if (bad.length === 0) return;
  const sizes = bad.map(
    ([name, size]) =>
      `${name} ${size} is not; the nearest that are: ${nearestMultiples(size, factor).join(' or ')}`,
  );
  const [th, tw] = [h, w].map((size) => (size % factor === 0 ? [size] : nearestMultiples(size, factor)));
  const shapes = (th ?? []).flatMap((a) => (tw ?? []).map((b) => `[${a}, ${b}, ${c}]`));
  throw new OptionError(
    `${what}: height and width must be multiples of ${factor} (the encoder halves them ${Math.log2(factor)} times and the decoder doubles them back), got [${inputShape.join(', ')}]: ${sizes.join('; ')}. Resize or pad the images to ${shapes.join(' or ')}`,
    {
      details: {
        expected: `[h, w, c] with h, w multiples of ${factor}`,
        actual: [...inputShape],
        nearest: shapes,
      },
    },
  );
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
