import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from '@aekit/core';

/** Images of an IDX file as floats in [0, 1], one sample after another, and their size. */
export interface IdxImages {
  data: Float32Array;
  count: number;
  height: number;
  width: number;
}

function readIdx(path: string, expectedMagic: number): { view: DataView; bytes: Uint8Array; dims: number[] } {
  const raw = readFileSync(path);
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) {
    throw new DataError(
      'DATA_INVALID',
      `${path}: IDX magic number 0x${magic.toString(16)}, expected 0x${expectedMagic.toString(16)}; is this an IDX file of the right kind?`,
    );
  }
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { view, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), dims };
}

/** Reads the first `limit` images of an IDX3 ubyte file (optionally gzipped), scaled to [0, 1]. */
export function readIdxImages(path: string, limit = Number.POSITIVE_INFINITY): IdxImages {
  const { bytes, dims } = readIdx(path, 0x803);
  const [total = 0, height = 0, width = 0] = dims;
  const count = Math.min(total, limit);
  const size = height * width;
  const data = new Float32Array(count * size);
  for (let i = 0; i < data.length; i++) data[i] = bytes[16 + i]! / 255;
  return { data, count, height, width };
}

/** Reads the first `limit` labels of an IDX1 ubyte file (optionally gzipped). */
export function readIdxLabels(path: string, limit = Number.POSITIVE_INFINITY): Uint8Array {
  const { bytes, dims } = readIdx(path, 0x801);
  const count = Math.min(dims[0] ?? 0, limit);
  return bytes.slice(8, 8 + count);
}
