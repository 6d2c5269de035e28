import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DataError } from '@aekit/core';
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
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
