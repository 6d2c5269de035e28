import { AekitError } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { formatNpyShape, readNpy } from './npz.js';

/** A .npy (format 1.0) with `descr`, the shape text `shape` and the data bytes `data`. */
function npy(descr: string, shape: string, data: Uint8Array, major = 1): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
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
