import { DataError } from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import { encodePng } from './encode-png.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Writes a PNG atomically (temporary sibling file, then one rename), creating the directory. Pass PNG bytes
 * (from `imageGrid`), or 8-bit pixels with their width and height to encode them first.
 */
export async function writePng(
  path: string,
  pngOrPixels: Uint8Array | Uint8ClampedArray,
  width?: number,
  height?: number,
): Promise<void> {
  const bytes =
    width === undefined || height === undefined ? pngOrPixels : encodePng(pngOrPixels, width, height);
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) {
    throw new DataError(
      'DATA_INVALID',
      `writePng(${path}): the bytes are not a PNG (no PNG signature); pass PNG bytes, or pixels with their width and height`,
    );
  }
  await writeFileAtomic(path, bytes);
}
