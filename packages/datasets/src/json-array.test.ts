import { AekitError } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { formatJsonArray, parseJsonArray } from './json-array.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (AekitError.isInstance(e)) {
      expect(e.code).toBe('DATA_INVALID');
      return e.message;
    }
    throw e;
  }
  throw new Error('did not throw');
}

describe('JSON arrays: {"shape": [n, ...], "data": [...]}', () => {
  it('formatJsonArray output reads back bit for bit (float32 values, -0, extremes)', () => {
    const data = new Float32Array([0.1, -0, 1e-45, 3.4028234663852886e38, -1.5, 1 / 3, 0, 7]);
    const text = formatJsonArray(data, [2, 2, 2]);
    expect(
      text.startsWith('{"shape":[2,2,2],"data":[[0.1,-0,1e-45,3.4028235e+38],[-1.5,0.33333334,0,7]]}'),
    ).toBe(true);
    const back = parseJsonArray(text, 'x.json');
    expect(back.shape).toEqual([2, 2, 2]);
    expect(Array.from(back.data, (v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
      Array.from(data, (v) => (Object.is(v, -0) ? '-0' : v)),
    );
  });

  it('reads samples nested as their shape, flat rows, and UTF-8 bytes with a BOM', () => {
    const nested = parseJsonArray('{"shape":[1,2,2],"data":[[[1,2],[3,4]]]}');
    const flat = parseJsonArray(new TextEncoder().encode('\ufeff{"shape":[1,2,2],"data":[[1,2,3,4]]}'));
    expect(Array.from(nested.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(flat.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(parseJsonArray('{"shape":[3],"data":[1,[2],3]}').data)).toEqual([1, 2, 3]);
  });

  it('a value that is not a finite number names the file and its position (was NaN, exit 0)', () => {
    expect(messageOf(() => parseJsonArray('{"shape":[2,3],"data":[[1,2,3],[4,"5",6]]}', 'codes.json'))).toBe(
      'codes.json: data[1][1] is the string "5", expected a finite number',
    );
    // What JSON.stringify wrote for NaN.
    expect(messageOf(() => parseJsonArray('{"shape":[1,2],"data":[[null,1]]}', 'c.json'))).toBe(
      'c.json: data[0][0] is null, expected a finite number',
    );
    expect(messageOf(() => parseJsonArray('{"shape":[1,2],"data":[[1e39,1]]}', 'c.json'))).toMatch(
      /^c\.json: data\[0\]\[0\] is 1e\+39, outside the float32 range/,
    );
    expect(messageOf(() => parseJsonArray('{"shape":[1,2,2],"data":[[[1,2],[3]]]}', 'c.json'))).toBe(
      'c.json: data[0][1] is an array of 1, expected an array of 2 (sample shape [2, 2])',
    );
  });

  it('a syntax error names the file; a bare array or a wrong shape says what to write', () => {
    expect(messageOf(() => parseJsonArray('{"shape": [1, 2], "data": [[1, 2]', 'in/x.json'))).toMatch(
      /^in\/x\.json: not valid JSON \(.*\); fix the syntax, or write the file with aekit run --format json$/,
    );
    expect(messageOf(() => parseJsonArray('[[1, 2], [3, 4]]', 'x.json'))).toMatch(
      /^x\.json: holds an array of 2, expected an object .*: wrap your array of samples as \{"shape": \[n, \.\.\.\], "data": samples\}$/,
    );
    expect(messageOf(() => parseJsonArray('{"shape":[2,2],"data":[[1,2]]}', 'x.json'))).toBe(
      'x.json: "data" holds 1 samples, "shape" [2, 2] says 2',
    );
    expect(messageOf(() => parseJsonArray('{"shape":[1,-2],"data":[[1,2]]}', 'x.json'))).toMatch(
      /^x\.json: "shape" is an array of 2 \[1,-2\], expected 1 to 32 positive integers/,
    );
    expect(messageOf(() => parseJsonArray('{"shape":[1,100000000],"data":[[1]]}', 'x.json'))).toMatch(
      /asks for 100000000 values, more than the \d+ characters of the file can hold/,
    );
    expect(messageOf(() => parseJsonArray(new Uint8Array([0xff, 0xfe, 0x00]), 'x.json'))).toMatch(
      /^x\.json: not UTF-8 text/,
    );
  });

  it('formatJsonArray refuses NaN and Infinity, which JSON cannot hold', () => {
    expect(messageOf(() => formatJsonArray(new Float32Array([1, Number.NaN]), [1, 2]))).toMatch(
      /sample 0 value 1 is NaN, which JSON cannot hold; write \.npy instead/,
    );
  });
});
