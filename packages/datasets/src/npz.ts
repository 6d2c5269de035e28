import { inflateRawSync } from 'node:zlib';
import { DataError } from '@aekit/core';

/** A NumPy array read from a .npy file: its dtype string, shape and values. */
export interface NpyArray {
  readonly dtype: string;
  readonly shape: number[];
  readonly data:
    | Uint8Array
    | Int8Array
    | Uint16Array
    | Int16Array
    | Uint32Array
    | Int32Array
    | Float32Array
    | Float64Array;
}

const invalid = (source: string, message: string, details: Record<string, unknown> = {}): DataError =>
  new DataError('DATA_INVALID', `${source}: ${message}`, { details: { file: source, ...details } });

type Ctor = new (buffer: ArrayBuffer, offset: number, length: number) => NpyArray['data'];
/** Little-endian (or single-byte) dtypes read as typed arrays over the file's bytes. */
const DTYPES: Record<string, [Ctor, number]> = {
  '|u1': [Uint8Array, 1],
  '|i1': [Int8Array, 1],
  '<u2': [Uint16Array, 2],
  '<i2': [Int16Array, 2],
  '<u4': [Uint32Array, 4],
  '<i4': [Int32Array, 4],
  '<f4': [Float32Array, 4],
  '<f8': [Float64Array, 8],
};

/** IEEE half precision to a number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * Every other float, int and bool dtype (float16, 64-bit ints, big-endian, bool), read value by value into
 * float64 (64-bit ints beyond 2^53 round, as they would in float32 anyway). Undefined for the rest.
 */
function readOther(descr: string): [(view: DataView, at: number) => number, number] | undefined {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) return undefined;
  const little = m[1] !== '>';
  const kind = m[2]!;
  const size = Number(m[3]);
  const readers: Record<string, (v: DataView, at: number) => number> = {
    b1: (v, at) => (v.getUint8(at) ? 1 : 0),
    u1: (v, at) => v.getUint8(at),
    i1: (v, at) => v.getInt8(at),
    u2: (v, at) => v.getUint16(at, little),
    i2: (v, at) => v.getInt16(at, little),
    u4: (v, at) => v.getUint32(at, little),
    i4: (v, at) => v.getInt32(at, little),
    u8: (v, at) => Number(v.getBigUint64(at, little)),
    i8: (v, at) => Number(v.getBigInt64(at, little)),
    f2: (v, at) => halfToNumber(v.getUint16(at, little)),
    f4: (v, at) => v.getFloat32(at, little),
    f8: (v, at) => v.getFloat64(at, little),
  };
  const read = readers[`${kind}${size}`];
  return read && [read, size];
}

/** What a dtype NumPy writes that readNpy cannot read is, for its error. */
function dtypeKind(descr: string): string {
  const kind = /^[<>|=]?([a-zA-Z])/.exec(descr)?.[1];
  const names: Record<string, string> = {
    c: 'complex',
    U: 'unicode strings',
    S: 'byte strings',
    O: 'Python objects',
    M: 'datetimes',
    m: 'timedeltas',
    V: 'structured records',
  };
  return (kind && names[kind]) ?? 'not a float, int or bool dtype';
}

/** C order of an array stored in Fortran (column-major) order. */
function toCOrder(data: NpyArray['data'], shape: readonly number[]): NpyArray['data'] {
  if (shape.length < 2) return data;
  const out = new (data.constructor as new (n: number) => NpyArray['data'])(data.length);
  const strides = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  const index = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let d = 0; d < shape.length; d++) f += index[d]! * strides[d]!;
    out[c] = data[f]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

/** A shape as NumPy prints it: `()`, `(5,)`, `(2, 3)`. */
export function formatNpyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * Decodes a .npy file (format 1.x/2.x/3.x, C or Fortran order) of any float, int or bool dtype: little-endian
 * ones as typed arrays of that type, the rest (float16, 64-bit ints, big-endian, bool) as float64; complex,
 * string, object and date dtypes are a DataError naming the dtype and the fix.
 */
export function readNpy(bytes: Uint8Array, source = 'npy'): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) {
    throw invalid(
      source,
      'not a .npy file (expected the magic "\\x93NUMPY"); save the array with numpy.save',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) {
    throw invalid(
      source,
      `.npy format version ${major}.${bytes[7]} is not one of 1.0, 2.0, 3.0; save it with numpy.save`,
      {
        actual: major,
      },
    );
  }
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) {
    throw invalid(source, `truncated .npy: ${bytes.length} bytes, the header alone needs ${headerStart}`, {
      actual: bytes.length,
    });
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = headerStart + headerLength;
  if (start > bytes.length) {
    throw invalid(source, `truncated .npy: its header needs ${start} bytes, the file holds ${bytes.length}`, {
      expected: start,
      actual: bytes.length,
    });
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw invalid(source, `unreadable .npy header ${JSON.stringify(header.trim())}`);
  }
  const dtype = DTYPES[descr];
  const other = dtype ? undefined : readOther(descr);
  if (!dtype && !other) {
    throw invalid(
      source,
      `dtype ${descr} (${dtypeKind(descr)}) cannot be read as numbers; save the array as floats, e.g. numpy.save(path, array.astype(numpy.float32))`,
      { actual: descr },
    );
  }
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (!dims.every((d) => /^\d+$/.test(d))) {
    throw invalid(source, `unreadable .npy shape (${shapeText}): expected non-negative integers`, {
      actual: shapeText,
    });
  }
  const shape = dims.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const size = dtype ? dtype[1] : other![1];
  if (bytes.length - start !== count * size) {
    throw invalid(
      source,
      `expected ${count * size} data bytes for shape ${formatNpyShape(shape)} of ${descr}, ` +
        `got ${bytes.length - start} (${bytes.length - start < count * size ? 'truncated' : 'trailing bytes'}); save the array again with numpy.save`,
      { expected: count * size, actual: bytes.length - start, shape },
    );
  }
  let data: NpyArray['data'];
  if (dtype) {
    // Copy to an aligned buffer.
    const copy = new Uint8Array(bytes.subarray(start)).buffer;
    data = new dtype[0](copy, 0, count);
  } else {
    const [read] = other!;
    const body = new DataView(bytes.buffer, bytes.byteOffset + start, count * size);
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = read(body, i * size);
  }
  return { dtype: descr, shape, data: fortran === 'True' ? toCOrder(data, shape) : data };
}

/** Decodes a .npz archive (a zip of .npy files, stored or deflated) into arrays by name (without ".npy"). */
export function readNpz(bytes: Uint8Array, source = 'npz'): Map<string, NpyArray> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw invalid(source, 'not a zip/.npz archive or truncated (no end-of-central-directory record)');
  const entries = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const arrays = new Map<string, NpyArray>();
  for (let e = 0; e < entries; e++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) {
      throw invalid(source, `corrupt zip central directory at byte ${p}`);
    }
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const uncompressed = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) {
      throw invalid(source, `corrupt zip entry ${name}`);
    }
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(dataStart, dataStart + compressed);
    if (raw.length !== compressed) {
      throw invalid(source, `entry ${name} is truncated: expected ${compressed} bytes, got ${raw.length}`, {
        expected: compressed,
        actual: raw.length,
      });
    }
    let content: Uint8Array;
    if (method === 0) content = raw;
    else if (method === 8) {
      try {
        // At most the size the directory declares: a damaged or hostile entry cannot inflate without bound.
        content = inflateRawSync(raw, { maxOutputLength: Math.max(1, uncompressed) });
      } catch (cause) {
        throw new DataError(
          'DATA_INVALID',
          `${source}: entry ${name} is corrupt (${(cause as Error).message})`,
          {
            cause,
            details: { file: source },
          },
        );
      }
    } else
      throw invalid(source, `entry ${name} uses zip method ${method}; expected 0 (stored) or 8 (deflate)`);
    if (content.length !== uncompressed) {
      throw invalid(source, `entry ${name}: expected ${uncompressed} bytes, got ${content.length}`, {
        expected: uncompressed,
        actual: content.length,
      });
    }
    arrays.set(name.replace(/\.npy$/, ''), readNpy(content, `${source}:${name}`));
  }
  return arrays;
}
