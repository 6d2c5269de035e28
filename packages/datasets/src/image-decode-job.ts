// Node only: one chunk of image files decoded into a shared sample array (run by the pool's threads and by
// the calling thread when there is no pool).
import { readFileSync } from 'node:fs';
import { AekitError } from '@aekit/core';
import { type ImageSampleOptions, prepareImage } from './image-prepare.js';

/** A file that could not be read as an image: its index in the list and the one-line reason. */
export interface BadImage {
  index: number;
  file: string;
  code: string;
  message: string;
}

/**
 * Decodes `files[k]` into `target` at sample `indices[k]` (each `per` values long). A missing, corrupt or
 * non-image file is returned as a `BadImage` (its slot left as it was); any other failure throws.
 */
export function decodeChunk(
  files: readonly string[],
  indices: readonly number[],
  target: Float32Array,
  options: ImageSampleOptions,
): BadImage[] {
  const per = options.size[0] * options.size[1] * options.channels;
  const bad: BadImage[] = [];
  for (const [k, file] of files.entries()) {
    const index = indices[k]!;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (cause) {
      bad.push({
        index,
        file,
        code: 'DATA_NOT_FOUND',
        message: `cannot read image ${file}: ${(cause as Error).message}; check the file`,
      });
      continue;
    }
    try {
      target.set(prepareImage(bytes, file, options), index * per);
    } catch (error) {
      if (!AekitError.isInstance(error)) throw error;
      bad.push({ index, file, code: error.code, message: error.message });
    }
  }
  return bad;
}
