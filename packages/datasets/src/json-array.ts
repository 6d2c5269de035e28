import { DataError, ShapeMismatchError } from '@aekit/core';

/** A float32 array read from, or written as, aekit's JSON array format. */
export interface JsonArray {
  /** `[n, ...sampleShape]`: n samples of the sample shape. */
  readonly shape: number[];
  /** `shapeSize(shape)` values, row-major. */
  readonly data: Float32Array;
}

/** Most dimensions a JSON array may have. */
const MAX_DIMS = 32;
const FORMAT = '{"shape": [n, ...], "data": [[...sample 0...], [...sample 1...], ...]}';

function invalid(source: string, message: string, details: Record<string, unknown> = {}): DataError {
  return new DataError('DATA_INVALID', `${source}: ${message}`, { details: { file: source, ...details } });
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/**
 * Writes `data` of `shape` (at least one dimension: `[n, ...sampleShape]`) in aekit's JSON array format, the
 * one `parseJsonArray` reads: `{"shape": [n, ...], "data": [[...], ...]}` with one row of
 * `shapeSize(sampleShape)` numbers per sample (row-major). Float32 values print as the shortest decimal that
 * reads back to the same float32. JSON has no NaN or Infinity: such values throw `DataError`.
 */
export function formatJsonArray(data: Float32Array, shape: readonly number[]): string {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 0) || size !== data.length) {
    throw new ShapeMismatchError(
      `formatJsonArray: shape [${shape.join(', ')}] needs ${size} values (and at least one dimension), got ${data.length}`,
      shape,
      data.length,
    );
  }
  const n = shape[0] as number;
  const per = n === 0 ? 0 : size / n;
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const values: string[] = [];
    for (let j = 0; j < per; j++) {
      const v = data[i * per + j] as number;
      if (!Number.isFinite(v)) {
        throw new DataError(
          'DATA_INVALID',
          `formatJsonArray: sample ${i} value ${j} is ${v}, which JSON cannot hold; write .npy instead, or fix what produced it`,
          { details: { sample: i, index: j, actual: v } },
        );
      }
      values.push(Object.is(v, -0) ? '-0' : String(shortestFloat32(v)));
    }
    rows.push(`[${values.join(',')}]`);
  }
  return `{"shape":${JSON.stringify([...shape])},"data":[${rows.join(',')}]}\n`;
}

/** The shortest decimal of a float32 value that parses back to the same float32. */
function shortestFloat32(v: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(v.toPrecision(digits));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/**
 * Reads aekit's JSON array format (what `formatJsonArray` and `aekit run --format json` write): an object
 * `{"shape": [n, ...sampleShape], "data": [...]}` whose `data` holds n samples, each either a flat array of
 * `shapeSize(sampleShape)` numbers (row-major) or nested arrays of exactly `sampleShape`. Every value must be a
 * finite number within float32 range. Anything else throws `DataError` (code `DATA_INVALID`) naming `source`,
 * the position (`data[3][17]`) and the value found.
 */
export function parseJsonArray(input: string | Uint8Array, source = 'JSON'): JsonArray {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch (cause) {
      throw new DataError('DATA_INVALID', `${source}: not UTF-8 text, so not JSON; save it as UTF-8`, {
        cause,
        details: { file: source },
      });
    }
  }
  let root: unknown;
  try {
    root = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    throw new DataError(
      'DATA_INVALID',
      `${source}: not valid JSON (${(cause as Error).message}); fix the syntax, or write the file with aekit run --format json`,
      { cause, details: { file: source } },
    );
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw invalid(
      source,
      `holds ${describeValue(root)}, expected an object ${FORMAT}${Array.isArray(root) ? ': wrap your array of samples as {"shape": [n, ...], "data": samples}' : ''}`,
    );
  }
  const { shape, data } = root as { shape?: unknown; data?: unknown };
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    shape.length > MAX_DIMS ||
    !shape.every((d) => Number.isInteger(d) && (d as number) >= 1 && (d as number) <= 2 ** 31)
  ) {
    throw invalid(
      source,
      `"shape" is ${describeValue(shape)}${Array.isArray(shape) ? ` ${JSON.stringify(shape).slice(0, 80)}` : ''}, expected 1 to ${MAX_DIMS} positive integers [n, ...sampleShape]`,
      { field: 'shape' },
    );
  }
  const dims = shape as number[];
  const n = dims[0] as number;
  if (!Array.isArray(data))
    throw invalid(source, `"data" is ${describeValue(data)}, expected an array of ${n} samples`, {
      field: 'data',
    });
  if (data.length !== n) {
    throw invalid(source, `"data" holds ${data.length} samples, "shape" [${dims.join(', ')}] says ${n}`, {
      expected: n,
      actual: data.length,
    });
  }
  const sampleShape = dims.slice(1);
  const per = sampleShape.reduce((a, b) => a * b, 1);
  // Every value takes at least two characters ("0,"): a shape asking for more cannot be in this text.
  if (n * per > text.length / 2) {
    throw invalid(
      source,
      `"shape" [${dims.join(', ')}] asks for ${n * per} values, more than the ${text.length} characters of the file can hold`,
      { field: 'shape' },
    );
  }
  const out = new Float32Array(n * per);
  let offset = 0;
  const number = (v: unknown, path: string): number => {
    // Math.fround: beyond float32's range a number would turn into Infinity.
    if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
      const why = typeof v === 'number' ? `${v}, outside the float32 range` : describeValue(v);
      throw invalid(source, `${path} is ${why}, expected a finite number`, { position: path });
    }
    return v;
  };
  /** Copies a nested array of `sampleShape.slice(depth)` into `out`. */
  const nested = (v: unknown, depth: number, path: string): void => {
    if (depth === sampleShape.length) {
      out[offset++] = number(v, path);
      return;
    }
    const want = sampleShape[depth] as number;
    if (!Array.isArray(v) || v.length !== want) {
      throw invalid(
        source,
        `${path} is ${describeValue(v)}, expected an array of ${want} (sample shape [${sampleShape.join(', ')}])`,
        { position: path },
      );
    }
    for (let i = 0; i < want; i++) nested(v[i], depth + 1, `${path}[${i}]`);
  };
  for (let i = 0; i < n; i++) {
    const sample = data[i] as unknown;
    const path = `data[${i}]`;
    if (
      sampleShape.length > 1 &&
      Array.isArray(sample) &&
      sample.length === per &&
      !Array.isArray(sample[0])
    ) {
      // The flat form: one row of `per` numbers.
      for (let j = 0; j < per; j++) out[offset++] = number(sample[j], `${path}[${j}]`);
    } else if (sampleShape.length === 0 && Array.isArray(sample) && sample.length === 1) {
      out[offset++] = number(sample[0], `${path}[0]`);
    } else if (sampleShape.length === 0 || Array.isArray(sample)) {
      nested(sample, 0, path);
    } else {
      throw invalid(
        source,
        `${path} is ${describeValue(sample)}, expected an array of ${per} numbers (sample shape [${sampleShape.join(', ')}])`,
        { position: path },
      );
    }
  }
  return { shape: [...dims], data: out };
}
