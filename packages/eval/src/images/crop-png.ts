import { ShapeMismatchError } from '@aekit/core';
import { encodePng } from './encode-png.js';

/** A decoded image: values in [0, 1], [height, width, channels] row-major (what `readImageFile` returns). */
export interface DecodedImage {
  data: ArrayLike<number>;
  width: number;
  height: number;
  channels: number;
}

/**
 * The `width` x `height` region of `image` whose top-left pixel is (`x0`, `y0`) as RGB PNG bytes (a grey image's
 * value in all three channels): tiles cut from a photo, as files to feed `--data` a folder.
 */
export function cropPng(
  image: DecodedImage,
  x0: number,
  y0: number,
  width: number,
  height = width,
): Uint8Array {
  if (x0 < 0 || y0 < 0 || x0 + width > image.width || y0 + height > image.height) {
    throw new ShapeMismatchError(
      `cropPng: the ${width}x${height} region at (${x0}, ${y0}) leaves the ${image.width}x${image.height} image; pass a region inside it`,
      [image.width, image.height],
      [x0 + width, y0 + height],
    );
  }
  const tile = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++)
        tile[(y * width + x) * 3 + c] = Math.round(
          image.data[((y0 + y) * image.width + x0 + x) * image.channels + Math.min(c, image.channels - 1)]! *
            255,
        );
  return encodePng(tile, width, height);
}
