import { inflateSync } from 'node:zlib';
import { DataError } from '@aekit/core';
import { decode as fastPngDecode } from 'fast-png';

/** A PNG decoded to samples in [0, 1]; see `decodeImage`. */
export interface DecodedPngImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Float32Array;
  readonly bitDepth: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** PNG colour types (IHDR byte 9) and the bit depths each allows (PNG spec, table 11.1). */
const COLOUR_TYPES: Record<number, { name: string; samples: number; depths: readonly number[] }> = {
  0: { name: 'greyscale', samples: 1, depths: [1, 2, 4, 8, 16] },
  2: { name: 'RGB', samples: 3, depths: [8, 16] },
  3: { name: 'palette', samples: 1, depths: [1, 2, 4, 8] },
  4: { name: 'greyscale + alpha', samples: 2, depths: [8, 16] },
  6: { name: 'RGBA', samples: 4, depths: [8, 16] },
};

/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

interface Header {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  interlace: number;
  /** Bytes of the zlib stream all IDAT chunks hold together. */
  idat: Uint8Array[];
  /** The tRNS chunk's payload, when there is one. */
  trns?: Uint8Array;
  hasPalette: boolean;
  /** The signature and the chunks fast-png needs (IHDR, PLTE, tRNS, IDAT, IEND), each with its CRC. */
  critical: Uint8Array[];
}

const fixOf = (source: string) =>
  `re-export or re-download ${source}, or open and re-save it in an image editor`;

function corrupt(source: string, what: string, details: Record<string, unknown> = {}): DataError {
  return new DataError('DATA_INVALID', `${source}: ${what}; ${fixOf(source)}`, {
    details: { file: source, format: 'png', ...details },
  });
}

/** Walks the chunks (lengths, order, IHDR fields) without inflating: what fast-png does not check. */
function readHeader(bytes: Uint8Array, source: string, maxPixels: number): Header {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 8;
  let header: Omit<Header, 'idat' | 'hasPalette' | 'trns' | 'critical'> | undefined;
  const idat: Uint8Array[] = [];
  const critical: Uint8Array[] = [bytes.subarray(0, 8)];
  let trns: Uint8Array | undefined;
  let hasPalette = false;
  for (;;) {
    if (p + 8 > bytes.length) {
      throw corrupt(source, `truncated PNG: the file ends at byte ${bytes.length} before its IEND chunk`, {
        bytes: bytes.length,
      });
    }
    const length = view.getUint32(p, false);
    const type = String.fromCharCode(...bytes.subarray(p + 4, p + 8));
    if (length > 0x7fffffff || p + 12 + length > bytes.length) {
      throw corrupt(
        source,
        `truncated PNG: chunk "${type}" at byte ${p} needs ${length} bytes, the file holds ${Math.max(0, bytes.length - p - 12)} more`,
        { bytes: bytes.length },
      );
    }
    const body = bytes.subarray(p + 8, p + 8 + length);
    if (!/^[A-Za-z]{4}$/.test(type)) {
      throw corrupt(
        source,
        `a chunk type of bytes ${JSON.stringify(type)} at byte ${p} (the file is damaged)`,
      );
    }
    // Ancillary chunks (lower-case first letter: text, colour profile, APNG frames...) are not needed for the
    // pixels and are left out, so a damaged one cannot stop the decode (libpng only warns about them).
    const isCritical = type.charCodeAt(0) < 0x61;
    if (isCritical || type === 'tRNS') critical.push(bytes.subarray(p, p + 12 + length));
    if (isCritical && !['IHDR', 'PLTE', 'IDAT', 'IEND'].includes(type)) {
      throw corrupt(source, `an unknown critical chunk "${type}" at byte ${p}`);
    }
    if (header === undefined) {
      if (type !== 'IHDR' || length !== 13) {
        throw corrupt(source, `the first chunk is "${type}" of ${length} bytes, expected IHDR of 13 bytes`);
      }
      const b = new DataView(body.buffer, body.byteOffset, 13);
      header = {
        width: b.getUint32(0, false),
        height: b.getUint32(4, false),
        depth: body[8] as number,
        colourType: body[9] as number,
        interlace: body[12] as number,
      };
      const { width, height, depth, colourType, interlace } = header;
      const kind = COLOUR_TYPES[colourType];
      if (kind === undefined) throw corrupt(source, `unknown PNG colour type ${colourType}`);
      if (!kind.depths.includes(depth)) {
        throw corrupt(
          source,
          `bit depth ${depth} is not allowed for ${kind.name} PNGs (allowed: ${kind.depths.join(', ')})`,
        );
      }
      if (body[10] !== 0 || body[11] !== 0 || interlace > 1) {
        throw corrupt(
          source,
          `unknown compression ${body[10]}, filter ${body[11]} or interlace method ${interlace}`,
        );
      }
      if (width === 0 || height === 0) throw corrupt(source, `the image is ${width}x${height} pixels`);
      if (width * height > maxPixels) {
        throw new DataError(
          'DATA_INVALID',
          `${source}: ${width}x${height} pixels is more than the limit of ${maxPixels}; resize the image, or raise maxPixels if it really is that large`,
          { details: { file: source, width, height, maxPixels } },
        );
      }
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'PLTE') hasPalette = true;
    else if (type === 'tRNS') trns = body;
    else if (type === 'IEND') break;
    else if (type === 'IHDR') throw corrupt(source, `a second IHDR chunk at byte ${p}`);
    p += 12 + length;
  }
  if (idat.length === 0) throw corrupt(source, 'no IDAT chunk: the PNG holds no image data');
  return { ...header, idat, hasPalette, critical, ...(trns ? { trns } : {}) };
}

/** Bytes the inflated image data must hold: one filter byte per row, of every Adam7 pass if interlaced. */
function inflatedSize(h: Header): number {
  const bits = h.depth * (COLOUR_TYPES[h.colourType] as { samples: number }).samples;
  const rowBytes = (w: number) => Math.ceil((w * bits) / 8);
  if (h.interlace === 0) return h.height * (1 + rowBytes(h.width));
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = h.width > x0 ? Math.ceil((h.width - x0) / dx) : 0;
    const rows = h.height > y0 ? Math.ceil((h.height - y0) / dy) : 0;
    if (w > 0 && rows > 0) total += rows * (1 + rowBytes(w));
  }
  return total;
}

/** Inflates the IDAT stream at most to the size the header needs, so a damaged or hostile stream cannot blow up. */
function checkImageData(h: Header, source: string): void {
  const expected = inflatedSize(h);
  const stream = Buffer.concat(h.idat);
  let inflated: Buffer;
  try {
    inflated = inflateSync(stream, { maxOutputLength: Math.max(1, expected) });
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const why =
      code === 'ERR_BUFFER_TOO_LARGE'
        ? `the image data inflate to more than the ${expected} bytes a ${h.width}x${h.height} image needs`
        : `the image data are corrupt or truncated (${(cause as Error).message})`;
    throw new DataError('DATA_INVALID', `${source}: ${why}; ${fixOf(source)}`, {
      cause,
      details: { file: source, format: 'png', expected },
    });
  }
  if (inflated.length !== expected) {
    throw corrupt(
      source,
      `the image data hold ${inflated.length} bytes, a ${h.width}x${h.height} image of this kind needs ${expected} (truncated)`,
      { expected, actual: inflated.length },
    );
  }
}

/**
 * Decodes a PNG of any kind the format allows (greyscale 1/2/4/8/16 bits, RGB 8/16, palette 1/2/4/8 with
 * optional tRNS transparency, greyscale + alpha, RGBA 8/16; interlaced or not) to float32 samples in [0, 1].
 * Channels: greyscale 1, greyscale + alpha 2, RGB 3, RGBA 4, palette 3 (4 with tRNS); a tRNS colour key on
 * a greyscale or RGB image adds an alpha channel (0 where the pixel matches the key).
 */
export function decodePngImage(bytes: Uint8Array, source: string, maxPixels: number): DecodedPngImage {
  const header = readHeader(bytes, source, maxPixels);
  const { width, height, depth, colourType } = header;
  if (header.interlace === 1 && depth < 8) {
    throw new DataError(
      'DATA_INVALID',
      `${source}: interlaced (Adam7) PNGs of ${depth} bits per sample are not supported; save it without interlacing (e.g. convert ${source} -interlace none out.png)`,
      { details: { file: source, format: 'png', depth, interlace: 'adam7' } },
    );
  }
  if (colourType === 3 && !header.hasPalette) throw corrupt(source, 'a palette PNG without a PLTE chunk');
  checkImageData(header, source);
  let png: ReturnType<typeof fastPngDecode>;
  try {
    png = fastPngDecode(Buffer.concat(header.critical), { checkCrc: true });
  } catch (cause) {
    throw new DataError(
      'DATA_INVALID',
      `${source}: not a readable PNG (${(cause as Error).message ?? String(cause)}); ${fixOf(source)}`,
      { cause, details: { file: source, format: 'png' } },
    );
  }
  const samples = (COLOUR_TYPES[colourType] as { samples: number }).samples;
  const decodedLength =
    depth >= 8 ? width * height * samples : Math.ceil((width * samples * depth) / 8) * height;
  if (png.data.length !== decodedLength) {
    throw corrupt(
      source,
      `decoded ${png.data.length} samples, a ${width}x${height} image needs ${decodedLength}`,
    );
  }
  const raw = unpack(png.data, width, height, samples, depth);
  const max = 2 ** depth - 1;
  const n = width * height;
  if (colourType === 3) return paletteImage(raw, png.palette ?? [], width, height, depth, source);
  const key = colourKey(header, samples, source);
  const channels = (key ? samples + 1 : samples) as 1 | 2 | 3 | 4;
  const data = new Float32Array(n * channels);
  for (let p = 0; p < n; p++) {
    let transparent = key !== undefined;
    for (let c = 0; c < samples; c++) {
      const v = raw[p * samples + c] as number;
      data[p * channels + c] = v / max;
      if (key && v !== key[c]) transparent = false;
    }
    if (key) data[p * channels + samples] = transparent ? 0 : 1;
  }
  return { width, height, channels, data, bitDepth: depth };
}

/** Sample values, one per array element, from fast-png's rows (bytes per row padded when depth < 8). */
function unpack(
  data: ArrayLike<number>,
  width: number,
  height: number,
  samples: number,
  depth: number,
): ArrayLike<number> {
  if (depth >= 8) return data;
  // fast-png leaves sub-byte samples packed, each row starting on a byte (interlaced ones are refused above).
  const rowBytes = Math.ceil((width * samples * depth) / 8);
  const out = new Uint8Array(width * height * samples);
  const mask = (1 << depth) - 1;
  const perByte = 8 / depth;
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * samples; i++) {
      const byte = data[y * rowBytes + Math.floor(i / perByte)] as number;
      const shift = 8 - depth * ((i % perByte) + 1);
      out[y * width * samples + i] = (byte >> shift) & mask;
    }
  }
  return out;
}

/** The tRNS colour key of a greyscale (1 value) or RGB (3 values) image, at the image's bit depth. */
function colourKey(header: Header, samples: number, source: string): number[] | undefined {
  const t = header.trns;
  if (t === undefined) return undefined;
  if (header.colourType === 4 || header.colourType === 6) {
    throw corrupt(source, 'a tRNS chunk on an image that already has an alpha channel');
  }
  if (t.length !== 2 * samples) {
    throw corrupt(source, `a tRNS chunk of ${t.length} bytes, expected ${2 * samples} for this colour type`);
  }
  const mask = 2 ** header.depth - 1;
  return Array.from(
    { length: samples },
    (_, c) => (((t[2 * c] as number) << 8) | (t[2 * c + 1] as number)) & mask,
  );
}

function paletteImage(
  indices: ArrayLike<number>,
  palette: readonly (readonly number[])[],
  width: number,
  height: number,
  depth: number,
  source: string,
): DecodedPngImage {
  const channels = palette.some((entry) => entry.length === 4) ? 4 : 3;
  const n = width * height;
  const data = new Float32Array(n * channels);
  for (let p = 0; p < n; p++) {
    const index = indices[p] as number;
    const entry = palette[index];
    if (entry === undefined) {
      throw corrupt(
        source,
        `pixel (${p % width}, ${Math.floor(p / width)}) uses palette index ${index}, the palette holds ${palette.length} colours`,
      );
    }
    for (let c = 0; c < channels; c++) data[p * channels + c] = (entry[c] ?? 255) / 255;
  }
  return { width, height, channels, data, bitDepth: depth };
}
