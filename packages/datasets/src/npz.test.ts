import { AekitError } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { formatNpyShape, readNpy } from './npz.js';

/** A .npy (format 1.0) with `descr`, the shape text `shape` and the data bytes `data`. */
function npy(descr: string, shape: string, data: Uint8Array, major = 1, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const start = major === 1 ? 10 : 12;
  header += `${' '.repeat(63 - ((start + header.length) % 64))}\n`;
  const out = new Uint8Array(start + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), start);
  out.set(data, start + header.length);
  return out;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (AekitError.isInstance(e)) return e.message;
    throw e;
  }
  throw new Error('did not throw');
}

describe('readNpy messages', () => {
  it('shapes print as NumPy prints them: (5,) for a 1-D array, not (5) or []', () => {
    expect(formatNpyShape([5])).toBe('(5,)');
    expect(formatNpyShape([])).toBe('()');
    expect(formatNpyShape([2, 3])).toBe('(2, 3)');
    expect(messageOf(() => readNpy(npy('<f4', '(5,)', new Uint8Array(16)), 'codes.npy'))).toBe(
      'codes.npy: expected 20 data bytes for shape (5,) of <f4, got 16 (truncated); save the array again with numpy.save',
    );
    expect(readNpy(npy('<f4', '(5,)', new Uint8Array(20))).shape).toEqual([5]);
  });

  it('a version-2 header cut short, a negative or fractional dimension, an unknown version: DataError', () => {
    const v2 = npy('<f4', '(1,)', new Uint8Array(4), 2);
    expect(readNpy(v2).shape).toEqual([1]);
    expect(messageOf(() => readNpy(v2.subarray(0, 11), 'a.npy'))).toBe(
      'a.npy: truncated .npy: 11 bytes, the header alone needs 12',
    );
    expect(messageOf(() => readNpy(npy('<f4', '(-2, -2)', new Uint8Array(16)), 'a.npy'))).toMatch(
      /^a\.npy: unreadable \.npy shape \(-2, -2\): expected non-negative integers/,
    );
    expect(messageOf(() => readNpy(npy('<f4', '(2.5,)', new Uint8Array(10)), 'a.npy'))).toMatch(/unreadable/);
    const v9 = npy('<f4', '(1,)', new Uint8Array(4));
    v9[6] = 9;
    expect(messageOf(() => readNpy(v9, 'a.npy'))).toMatch(/^a\.npy: \.npy format version 9\.0 is not one of/);
  });
});

describe('readNpy dtypes', () => {
  const bytes = (write: (v: DataView) => void, n: number) => {
    const out = new Uint8Array(n);
    write(new DataView(out.buffer));
    return out;
  };
  it('reads float16, big-endian, 64-bit ints, bool and Fortran order as numpy.save writes them', () => {
    // float16 0, 0.25, -1.5, 65504 (values of numpy.float16).
    const half = bytes((v) => {
      for (const [i, h] of [0, 0x3400, 0xbe00, 0x7bff].entries()) v.setUint16(2 * i, h, true);
    }, 8);
    expect(Array.from(readNpy(npy('<f2', '(4,)', half)).data)).toEqual([0, 0.25, -1.5, 65504]);
    const big = bytes((v) => {
      for (const [i, x] of [1.5, -2].entries()) v.setFloat32(4 * i, x, false);
    }, 8);
    expect(Array.from(readNpy(npy('>f4', '(2,)', big)).data)).toEqual([1.5, -2]);
    const long = bytes((v) => {
      for (const [i, x] of [-3n, 2n ** 40n].entries()) v.setBigInt64(8 * i, x, true);
    }, 16);
    expect(Array.from(readNpy(npy('<i8', '(2,)', long)).data)).toEqual([-3, 2 ** 40]);
    expect(Array.from(readNpy(npy('|b1', '(3,)', Uint8Array.from([1, 0, 1]))).data)).toEqual([1, 0, 1]);
    // [[0, 1, 2], [3, 4, 5]] stored column by column.
    const f = readNpy(npy('|u1', '(2, 3)', Uint8Array.from([0, 3, 1, 4, 2, 5]), 1, true));
    expect([f.shape, Array.from(f.data)]).toEqual([
      [2, 3],
      [0, 1, 2, 3, 4, 5],
    ]);
  });

  it('a complex, string or object dtype: one line naming the file, the dtype and the fix', () => {
    expect(messageOf(() => readNpy(npy('<c8', '(1,)', new Uint8Array(8)), 'z.npy'))).toBe(
      'z.npy: dtype <c8 (complex) cannot be read as numbers; save the array as floats, e.g. numpy.save(path, array.astype(numpy.float32))',
    );
    expect(messageOf(() => readNpy(npy('<U3', '(1,)', new Uint8Array(12)), 'u.npy'))).toMatch(
      /^u\.npy: dtype <U3 \(unicode strings\) cannot be read/,
    );
    expect(messageOf(() => readNpy(npy('|O', '(1,)', new Uint8Array(8)), 'o.npy'))).toMatch(/Python objects/);
  });
});
