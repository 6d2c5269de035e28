import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createRng, DataError, infoOnce, OptionError } from '@aekit/core';
import { DEFAULT_MAX_PIXELS } from './image-decode.js';
import { decodeJpegBytes, isJpeg } from './jpeg-decode.js';
import { type FileSource, locateFile } from './packaged-data.js';

/** A decoded RGB photo, 8 bits per channel, row-major HWC. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  readonly source: FileSource;
}

export interface ColorPatches {
  /** `count * size * size * 3` values in [0, 1], NHWC. */
  readonly images: Float32Array;
  readonly count: number;
  readonly sampleShape: [number, number, 3];
  /** The photos the patches were cut from. */
  readonly sources: FileSource[];
}

export interface ColorPatchOptions {
  /** Side of the square patches. Default 32. */
  size?: number;
  /** Number of patches. Default 1000. */
  count?: number;
  /** Seed of the patch positions. Default 0. */
  seed?: number;
  /** JPEG files to cut from instead of scikit-learn's china.jpg and flower.jpg. */
  paths?: string[];
  /**
   * The horizontal band of each photo the patches lie in, as [top, bottom] fractions of its height. Default
   * [0, 1]; disjoint bands (e.g. [0, 0.75] and [0.75, 1]) give training and test patches that share no pixel.
   */
  band?: [number, number];
}

const SKLEARN_IMAGES = '/usr/lib/python3/dist-packages/sklearn/datasets/images';
const PHOTOS = ['china.jpg', 'flower.jpg'];
const decoded = new Map<string, RgbImage>();

/** Decodes a JPEG file to RGB with the pure-JS jpeg-js decoder (cached per path). */
export function readJpeg(path: string, source: FileSource = { kind: 'file', path }): RgbImage {
  const cached = decoded.get(path);
  if (cached) return cached;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (cause) {
    throw new DataError('DATA_NOT_FOUND', `cannot read JPEG ${path}: ${(cause as Error).message}`, {
      cause,
      details: { file: path },
    });
  }
  if (!isJpeg(bytes)) {
    throw new DataError('DATA_INVALID', `${path}: not a JPEG file; pass a .jpg photo`, {
      details: { file: path },
    });
  }
  const image = decodeJpegBytes(bytes, path, DEFAULT_MAX_PIXELS);
  // A greyscale photo as RGB (each sample repeated), as this function has always returned.
  const data =
    image.channels === 3
      ? image.data
      : Uint8Array.from({ length: image.data.length * 3 }, (_, i) => image.data[Math.floor(i / 3)] as number);
  const rgb: RgbImage = { width: image.width, height: image.height, data, source };
  decoded.set(path, rgb);
  return rgb;
}

/**
 * Random `size x size` RGB patches (float32 NHWC in [0, 1]) cut from real photos: by default the two
 * sample photos scikit-learn ships (`china.jpg`, `flower.jpg`, CC BY 2.0), read from an installed
 * scikit-learn or from the copies shipped here. Each patch picks a photo and a position with `createRng(seed)`.
 * Meant for colorization (`toGrayscale` gives the model input).
 */
export function loadColorPatches(options: ColorPatchOptions = {}): ColorPatches {
  const size = options.size ?? 32;
  const count = options.count ?? 1000;
  for (const [what, v] of [
    ['size', size],
    ['count', count],
  ] as const) {
    if (!(Number.isInteger(v) && v > 0)) {
      throw new OptionError(`loadColorPatches: ${what} must be a positive integer, got ${v}`, {
        details: { expected: 'positive integer', actual: v },
      });
    }
  }
  const [top, bottom] = options.band ?? [0, 1];
  if (!(top >= 0 && bottom <= 1 && top < bottom)) {
    throw new OptionError(
      `loadColorPatches: band must be [top, bottom] with 0 <= top < bottom <= 1, got [${top}, ${bottom}]`,
      {
        details: { expected: '0 <= top < bottom <= 1', actual: [top, bottom] },
      },
    );
  }
  const photos = (options.paths ?? PHOTOS).map((p) => {
    const source = options.paths
      ? locateFile(basename(p), p, [], '')
      : locateFile(p, undefined, [`${SKLEARN_IMAGES}/${p}`], `photos/${p}`);
    return readJpeg(source.path, source);
  });
  // Rows [first, end) of each photo that patches may cover.
  const rows = photos.map(
    (photo) => [Math.ceil(top * photo.height), Math.floor(bottom * photo.height)] as const,
  );
  photos.forEach((photo, p) => {
    const [first, end] = rows[p]!;
    if (photo.width < size || end - first < size) {
      throw new OptionError(
        `loadColorPatches: size ${size} is larger than ${photo.source.path} (${photo.width}x${photo.height}, rows ${first}-${end} in the band)`,
        { details: { expected: `<= ${Math.min(photo.width, end - first)}`, actual: size } },
      );
    }
  });
  const rng = createRng(options.seed ?? 0);
  const per = size * size * 3;
  const images = new Float32Array(count * per);
  for (let n = 0; n < count; n++) {
    const p = rng.int(photos.length);
    const photo = photos[p]!;
    const [first, end] = rows[p]!;
    const x0 = rng.int(photo.width - size + 1);
    const y0 = first + rng.int(end - first - size + 1);
    let o = n * per;
    for (let y = 0; y < size; y++) {
      const row = ((y0 + y) * photo.width + x0) * 3;
      for (let i = 0; i < size * 3; i++) images[o++] = photo.data[row + i]! / 255;
    }
  }
  infoOnce(
    `color-patches:${photos.map((p) => p.source.path).join(',')}`,
    `color patches cut from ${photos.map((p) => `${p.source.path} (${p.source.kind})`).join(', ')}`,
  );
  return { images, count, sampleShape: [size, size, 3], sources: photos.map((p) => p.source) };
}

/** ITU-R BT.601 luma of interleaved RGB values: 0.299 R + 0.587 G + 0.114 B (one value per pixel). */
export function toGrayscale(rgb: Float32Array): Float32Array {
  if (rgb.length % 3 !== 0) {
    throw new OptionError(`toGrayscale: ${rgb.length} values is not a whole number of RGB pixels`, {
      details: { expected: 'multiple of 3', actual: rgb.length },
    });
  }
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!;
  }
  return out;
}
