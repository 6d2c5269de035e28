import { gunzipSync } from 'node:zlib';
import { DataError, ShapeMismatchError } from '@aekit/core';

/** A decoded IDX file: its dimensions and its unsigned bytes, row-major. */
export interface IdxData {
  readonly dims: number[];
  readonly data: Uint8Array;
}

/** IDX type byte of unsigned 8-bit data, the only type MNIST-style files use. */
const UBYTE = 0x08;

function invalid(what: string, message: string, details: Record<string, unknown>): DataError {
  return new DataError('DATA_INVALID', `${what}: ${message}`, { details: { file: what, ...details } });
}

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes an IDX file (gunzipping it first when it starts with the gzip magic 1f 8b).
 * Checks the magic (two zero bytes, type 0x08 = unsigned byte, 1 to 4 dimensions), that every dimension is
 * positive, and that the payload has exactly the length the dimensions require; anything else throws
 * `DataError` (code 'DATA_INVALID') naming `source`, the expected and the actual values. Never returns a
 * partial dataset.
 */
export function readIdx(bytes: Uint8Array, source = 'IDX data'): IdxData {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (cause) {
      throw new DataError(
        'DATA_INVALID',
        `${source}: the gzip stream is corrupt or truncated (${(cause as Error).message}); ` +
          'delete the file and fetch it again',
        { cause, details: { file: source, compressedLength: bytes.length } },
      );
    }
  }
  if (raw.length < 4) {
    throw invalid(source, `too short for an IDX header: expected at least 4 bytes, got ${raw.length}`, {
      expected: 4,
      actual: raw.length,
    });
  }
  const magic = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
  const ndims = raw[3]!;
  if (raw[0] !== 0 || raw[1] !== 0 || raw[2] !== UBYTE || ndims < 1 || ndims > 4) {
    throw invalid(
      source,
      `bad IDX magic 0x${magic.toString(16).padStart(8, '0')}: expected 0x00000801 (labels) or 0x00000803 ` +
        '(images), i.e. unsigned-byte data with 1 to 4 dimensions; this is not an MNIST-style IDX file',
      { expected: ['0x00000801', '0x00000803'], actual: `0x${magic.toString(16).padStart(8, '0')}` },
    );
  }
  const headerLength = 4 + 4 * ndims;
  if (raw.length < headerLength) {
    throw invalid(
      source,
      `truncated header: ${ndims} dimensions need ${headerLength} header bytes, got ${raw.length}`,
      { expected: headerLength, actual: raw.length },
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0) {
      throw invalid(source, `dimension ${i} is 0; every IDX dimension must be positive`, {
        expected: '> 0',
        actual: 0,
        dims,
      });
    }
    dims.push(d);
    size *= d;
  }
  const expectedLength = headerLength + size;
  if (raw.length !== expectedLength) {
    throw invalid(
      source,
      `length mismatch for dims [${dims.join(', ')}]: expected ${expectedLength} bytes ` +
        `(${headerLength} header + ${size} data), got ${raw.length} ` +
        `(${raw.length < expectedLength ? 'truncated' : 'trailing bytes'}); delete the file and fetch it again`,
      { expected: expectedLength, actual: raw.length, dims },
    );
  }
  // A plain Uint8Array view (not a Node Buffer), so `slice` copies as everywhere else.
  return { dims, data: new Uint8Array(raw.buffer, raw.byteOffset + headerLength, size) };
}

/** Encodes unsigned bytes as an IDX file (uncompressed); the inverse of `readIdx`. */
export function writeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (dims.length < 1 || dims.length > 4 || size !== data.length) {
    throw new ShapeMismatchError(
      `writeIdx: dims [${dims.join(', ')}] need ${size} bytes (1 to 4 dimensions), got ${data.length}`,
      size,
      data.length,
    );
  }
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (UBYTE << 8) | dims.length, false);
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  out.set(data, headerLength);
  return out;
}
