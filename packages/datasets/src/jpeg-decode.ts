import { DataError } from '@aekit/core';
import jpeg from 'jpeg-js';

/** A JPEG decoded to 8-bit samples: 1 channel (greyscale) or 3 (colour; CMYK is converted to RGB). */
export interface DecodedJpeg {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

const fixOf = (source: string) =>
  `re-export or re-download ${source}, or open and re-save it in an image editor`;

function corrupt(source: string, what: string, details: Record<string, unknown> = {}): DataError {
  return new DataError('DATA_INVALID', `${source}: ${what}; ${fixOf(source)}`, {
    details: { file: source, format: 'jpeg', ...details },
  });
}

/** Start-of-frame markers: baseline, extended, progressive and lossless, Huffman or arithmetic. */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/**
 * Walks the JPEG's segments up to its end-of-image marker: the frame size and component count, and whether
 * the file is complete (jpeg-js decodes a truncated file to grey rows without a word).
 */
function readFrame(
  bytes: Uint8Array,
  source: string,
  maxPixels: number,
): { width: number; height: number; components: number } {
  let p = 2;
  let frame: { width: number; height: number; components: number } | undefined;
  const truncated = () =>
    corrupt(source, `truncated JPEG: the file ends at byte ${bytes.length} before its end-of-image marker`, {
      bytes: bytes.length,
    });
  for (;;) {
    if (p + 2 > bytes.length) throw truncated();
    if (bytes[p] !== 0xff)
      throw corrupt(source, `expected a JPEG marker at byte ${p}, found 0x${bytes[p]?.toString(16)}`);
    while (p + 2 < bytes.length && bytes[p + 1] === 0xff) p++; // fill bytes
    const marker = bytes[p + 1] as number;
    p += 2;
    if (marker === 0xd9) break; // EOI
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // stand-alone markers
    if (p + 2 > bytes.length) throw truncated();
    const length = ((bytes[p] as number) << 8) | (bytes[p + 1] as number);
    if (length < 2) throw corrupt(source, `a segment of length ${length} at byte ${p}`);
    if (p + length > bytes.length) throw truncated();
    if (isSof(marker)) {
      if (length < 8) throw corrupt(source, `a frame header of ${length} bytes at byte ${p}`);
      const height = ((bytes[p + 3] as number) << 8) | (bytes[p + 4] as number);
      const width = ((bytes[p + 5] as number) << 8) | (bytes[p + 6] as number);
      const components = bytes[p + 7] as number;
      if (width === 0 || height === 0) throw corrupt(source, `the image is ${width}x${height} pixels`);
      if (components !== 1 && components !== 3 && components !== 4) {
        throw corrupt(source, `${components} colour components (expected 1, 3 or 4)`);
      }
      if (width * height > maxPixels) {
        throw new DataError(
          'DATA_INVALID',
          `${source}: ${width}x${height} pixels is more than the limit of ${maxPixels}; resize the image, or raise maxPixels if it really is that large`,
          { details: { file: source, width, height, maxPixels } },
        );
      }
      frame = { width, height, components };
    }
    p += length;
    if (marker === 0xda) {
      // Entropy-coded data up to the next marker that is neither a stuffed 0xff00 nor a restart marker.
      while (p + 1 < bytes.length) {
        if (bytes[p] === 0xff) {
          const next = bytes[p + 1] as number;
          if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) break;
          p += 2;
        } else p++;
      }
      if (p + 1 >= bytes.length) throw truncated();
    }
  }
  if (frame === undefined) throw corrupt(source, 'no frame header (SOF marker): not a complete JPEG image');
  return frame;
}

/** Decodes a baseline or progressive JPEG with jpeg-js; corrupt, truncated or oversized files throw `DataError`. */
export function decodeJpegBytes(bytes: Uint8Array, source: string, maxPixels: number): DecodedJpeg {
  const frame = readFrame(bytes, source, maxPixels);
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: 1024,
    });
  } catch (cause) {
    throw new DataError(
      'DATA_INVALID',
      `${source}: not a decodable JPEG (${(cause as Error)?.message ?? String(cause)}); ${fixOf(source)}`,
      { cause, details: { file: source, format: 'jpeg' } },
    );
  }
  const { width, height } = image;
  if (width !== frame.width || height !== frame.height || image.data.length !== width * height * 3) {
    throw corrupt(
      source,
      `decoded ${image.data.length} bytes of ${width}x${height}, the frame header says ${frame.width}x${frame.height}x3`,
    );
  }
  if (frame.components !== 1) return { width, height, channels: 3, data: image.data };
  // jpeg-js repeats a greyscale sample three times.
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = image.data[3 * i] as number;
  return { width, height, channels: 1, data: grey };
}
