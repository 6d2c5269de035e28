import { OptionError } from '@aekit/core';
import { toGrayscale } from './color-patches.js';

/**
 * Colour as an offset from grey, the target a colorization model learns best: `0.5 + (rgb - grey) / 2` per
 * channel, in [0, 1] like the images (grey = `toGrayscale(rgb)`). A model that outputs 0.5 everywhere gives
 * back the grey image, so training starts at that baseline and only has to learn the colour.
 */
export function toColorResidual(rgb: Float32Array, grey: Float32Array = toGrayscale(rgb)): Float32Array {
  checkPairs('toColorResidual', grey, rgb);
  const out = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) out[i] = 0.5 + (rgb[i]! - grey[(i / 3) | 0]!) / 2;
  return out;
}

/** The RGB image from its grey version and a colour residual (`toColorResidual`), clipped to [0, 1]. */
export function fromColorResidual(grey: Float32Array, residual: Float32Array): Float32Array {
  checkPairs('fromColorResidual', grey, residual);
  const out = new Float32Array(residual.length);
  for (let i = 0; i < residual.length; i++) {
    out[i] = Math.min(1, Math.max(0, grey[(i / 3) | 0]! + 2 * (residual[i]! - 0.5)));
  }
  return out;
}

function checkPairs(what: string, grey: Float32Array, rgb: Float32Array): void {
  if (rgb.length !== grey.length * 3) {
    throw new OptionError(
      `${what}: ${rgb.length} colour values do not match ${grey.length} grey pixels (expected 3 per pixel)`,
      { details: { expected: grey.length * 3, actual: rgb.length } },
    );
  }
}
