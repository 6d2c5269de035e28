import { readFile } from 'node:fs/promises';
import { DataError, OptionError } from '@aekit/core';
import { decodeJpegBytes, isJpeg } from './jpeg-decode.js';
import { decodePngImage, isPng } from './png-decode.js';

/** An image file decoded to float32 samples in [0, 1], row-major HWC (channels last). */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** 1 greyscale, 2 greyscale + alpha, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  /** `height * width * channels` values, each sample / (2^bitDepth - 1). */
  readonly data: Float32Array;
  readonly format: 'png' | 'jpeg';
  /** Bits per sample in the file: PNG 1, 2, 4, 8 or 16 (palette: of the indices); JPEG 8. */
  readonly bitDepth: number;
  /** What the caller named the bytes (a file path): every error names it. */
  readonly source: string;
}

export interface DecodeImageOptions {
  /** Larger images (width * height) are refused before any pixel is decoded. Default 2^26 (67 megapixels). */
  maxPixels?: number;
}

export const DEFAULT_MAX_PIXELS = 2 ** 26;

/**
 * Decodes a PNG or JPEG file's bytes (the format is told by its first bytes, not its name) to float32 samples
 * in [0, 1]:
 *
 * - PNG through fast-png, every kind the format allows: greyscale of 1, 2, 4, 8 or 16 bits, RGB and RGBA of 8
 *   or 16, greyscale + alpha, palette of 1, 2, 4 or 8 bits (RGB, or RGBA when it has a tRNS chunk); a tRNS
 *   colour key on a greyscale or RGB image becomes an alpha channel. Interlaced files of 8 and 16 bits.
 * - JPEG through jpeg-js, baseline and progressive; greyscale files give 1 channel, colour (and CMYK) 3.
 *
 * A truncated, corrupt or oversized file, or one that is neither format, throws `DataError` (code
 * `DATA_INVALID`) naming `source` and what to do; nothing else escapes, and no partial image is returned.
 */
export function decodeImage(
  bytes: Uint8Array,
  source = 'image',
  options: DecodeImageOptions = {},
): DecodedImage {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels > 0)) throw new OptionError(`decodeImage: maxPixels must be positive, got ${maxPixels}`);
  if (isPng(bytes)) return { ...decodePngImage(bytes, source, maxPixels), format: 'png', source };
  if (isJpeg(bytes)) {
    const jpeg = decodeJpegBytes(bytes, source, maxPixels);
    return {
      width: jpeg.width,
      height: jpeg.height,
      channels: jpeg.channels,
      data: Float32Array.from(jpeg.data, (v) => v / 255),
      format: 'jpeg',
      bitDepth: 8,
      source,
    };
  }
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new DataError(
    'DATA_INVALID',
    `${source}: not a PNG or JPEG file (it starts with ${head || 'nothing: it is empty'}); convert it to PNG or JPEG`,
    { details: { file: source, head } },
  );
}

/** Reads an image file and decodes it with `decodeImage`; a missing or unreadable file throws `DATA_NOT_FOUND`. */
export async function readImageFile(path: string, options: DecodeImageOptions = {}): Promise<DecodedImage> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new DataError(
      'DATA_NOT_FOUND',
      `cannot read image ${path}: ${(cause as Error).message}; check the path`,
      { cause, details: { file: path } },
    );
  }
  return decodeImage(bytes, path, options);
}

/**
 * The image's samples with `channels` channels (1 or 3, what a model takes): colour to grey by BT.601 luma
 * (0.299 R + 0.587 G + 0.114 B, as `toGrayscale`), grey to RGB by repetition; alpha is dropped (the colour
 * values are kept as stored, not blended onto a background).
 */
export function imageChannels(image: DecodedImage, channels: 1 | 3): Float32Array {
  if (channels !== 1 && channels !== 3) {
    throw new OptionError(`imageChannels: channels must be 1 or 3, got ${channels}`);
  }
  const from = image.channels;
  const n = image.width * image.height;
  const src = image.data;
  const out = new Float32Array(n * channels);
  const colour = from >= 3;
  for (let p = 0; p < n; p++) {
    const o = p * from;
    if (channels === 1) {
      out[p] = colour
        ? Math.min(
            1,
            0.299 * (src[o] as number) + 0.587 * (src[o + 1] as number) + 0.114 * (src[o + 2] as number),
          )
        : (src[o] as number);
    } else if (colour) {
      out[3 * p] = src[o] as number;
      out[3 * p + 1] = src[o + 1] as number;
      out[3 * p + 2] = src[o + 2] as number;
    } else {
      const v = src[o] as number;
      out[3 * p] = v;
      out[3 * p + 1] = v;
      out[3 * p + 2] = v;
    }
  }
  return out;
}
