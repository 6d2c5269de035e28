import { ShapeMismatchError } from '@aekit/core';
import pngjs from 'pngjs';

/** PNG colour types by channels per pixel: grey, RGB, RGBA. */
const COLOR_TYPE: Record<number, 0 | 2 | 6> = { 1: 0, 3: 2, 4: 6 };

/**
 * Encodes 8-bit pixels as a PNG. The channel count follows from the length: `width * height` values are
 * grayscale, `* 3` RGB, `* 4` RGBA (row-major, channels interleaved).
 */
export function encodePng(pixels: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ShapeMismatchError(
      `encodePng: width and height must be positive integers, got ${width}x${height}`,
      'positive integers',
      [width, height],
    );
  }
  const channels = pixels.length / (width * height);
  const colorType = COLOR_TYPE[channels];
  if (colorType === undefined) {
    throw new ShapeMismatchError(
      `encodePng: ${pixels.length} values do not fit ${width}x${height} pixels with 1 (gray), 3 (RGB) or 4 (RGBA) channels; pass width * height * channels bytes`,
      [width * height, width * height * 3, width * height * 4],
      pixels.length,
    );
  }
  const data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const png = pngjs.PNG.sync.write({ width, height, data } as unknown as pngjs.PNG, {
    colorType,
    inputColorType: colorType,
    inputHasAlpha: colorType === 6,
    bitDepth: 8,
  });
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
