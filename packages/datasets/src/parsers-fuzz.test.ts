import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, gzipSync } from 'node:zlib';
import { applyEdits, BYTE_EDIT_OPS, callWithin, expectValueOrAekitError } from '@aekit/core/testing';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseCsv } from './csv.js';
import { readIdx, writeIdx } from './idx.js';
import { decodeImage } from './image-decode.js';
import { formatJsonArray, parseJsonArray } from './json-array.js';
import { readNpy, readNpz } from './npz.js';

/**
 * Property tests of every parser a user's file reaches in @aekit/datasets: random bytes and mutations of valid
 * files (flipped, overwritten, inserted, deleted, duplicated bytes, truncation) give a value or an AekitError,
 * never another exception, and each call answers within LIMIT_MS (callWithin stops an endless loop). The
 * parsers take bytes or text and touch no file, so they cannot write. Seeded: a failure names its seed and
 * the shrunk input.
 */
const LIMIT_MS = 2000;
/** Another seed explores other cases: AEKIT_FUZZ_SEED=7 npx vitest run <this file>. */
const SEED = Number(process.env.AEKIT_FUZZ_SEED ?? 14);
const RUNS = 300;
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: false };

const edit = fc.record({
  op: fc.constantFrom(...BYTE_EDIT_OPS),
  at: fc.nat(),
  value: fc.nat(255),
  length: fc.integer({ min: 1, max: 64 }),
});
const edits = fc.array(edit, { minLength: 1, maxLength: 6 });
/** A seed file with random edits, or random bytes, or random bytes behind the seed's first `head` bytes. */
function bytesLike(seeds: readonly Uint8Array[], head = 8): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(seed, edits).map(([s, e]) => applyEdits(s, e)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(seed, fc.uint8Array({ maxLength: 300 }))
        .map(([s, tail]) => Uint8Array.from([...s.subarray(0, head), ...tail])),
    },
  );
}

/** The chunks of a PNG (type + body), and the file rebuilt from chunks with correct lengths and CRCs. */
function pngChunks(png: Uint8Array): { type: Uint8Array; body: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: Uint8Array; body: Uint8Array }[] = [];
  for (let p = 8; p + 12 <= png.length; ) {
    const length = view.getUint32(p);
    chunks.push({ type: png.slice(p + 4, p + 8), body: png.slice(p + 8, p + 8 + length) });
    p += 12 + length;
  }
  return chunks;
}
function pngFrom(chunks: { type: Uint8Array; body: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const { type, body } of chunks) {
    const head = new Uint8Array(8);
    new DataView(head.buffer).setUint32(0, body.length);
    head.set(type, 4);
    const crc = new Uint8Array(4);
    new DataView(crc.buffer).setUint32(0, crc32(Buffer.concat([Buffer.from(type), Buffer.from(body)])));
    parts.push(head, body, crc);
  }
  return new Uint8Array(Buffer.concat(parts));
}
/** A fixture PNG with one chunk's body edited, or chunks dropped, repeated or swapped, every CRC correct. */
function pngWithValidCrcs(pngs: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...pngs), fc.nat(), edits, fc.constantFrom('body', 'drop', 'repeat', 'swap'))
    .map(([png, pick, e, how]) => {
      const chunks = pngChunks(png);
      const i = pick % chunks.length;
      const chunk = chunks[i] as { type: Uint8Array; body: Uint8Array };
      if (how === 'body') chunks[i] = { type: chunk.type, body: applyEdits(chunk.body, e) };
      else if (how === 'drop') chunks.splice(i, 1);
      else if (how === 'repeat') chunks.splice(i, 0, chunk);
      else {
        const j = (pick >>> 8) % chunks.length;
        [chunks[i], chunks[j]] = [chunks[j] as typeof chunk, chunk];
      }
      return pngFrom(chunks);
    });
}

/** .npy files built field by field: any version byte, header length, header text and data length. */
const npyFields = fc
  .record({
    major: fc.nat(4),
    descr: fc.constantFrom('<f4', '<f8', '|u1', '<i2', '>f4', '<c8', 'O', ''),
    fortran: fc.constantFrom('False', 'True', 'maybe'),
    shape: fc.oneof(
      fc
        .array(fc.integer({ min: -2, max: 6 }), { maxLength: 4 })
        .map((d) => `(${d.join(', ')}${d.length === 1 ? ',' : ''})`),
      fc.constantFrom('()', '(2.5,)', '(a,)', '(1e3,)', '(3', ''),
    ),
    lengthDelta: fc.integer({ min: -20, max: 20 }),
    /** Extra data bytes beyond what the shape needs (negative: fewer); mostly exact. */
    dataDelta: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: -8, max: 8 })),
    cut: fc.option(fc.oneof(fc.nat(16), fc.nat(120)), { freq: 3 }),
  })
  .map((f) => {
    const header = `{'descr': '${f.descr}', 'fortran_order': ${f.fortran}, 'shape': ${f.shape}, }\n`;
    const start = f.major === 1 ? 10 : 12;
    const dims =
      /\(([^)]*)\)/
        .exec(f.shape)?.[1]
        ?.split(',')
        .filter((d) => d.trim() !== '')
        .map(Number) ?? [];
    const itemSize =
      ({ '<f4': 4, '<f8': 8, '|u1': 1, '<i2': 2, '>f4': 4, '<c8': 8 } as Record<string, number>)[f.descr] ??
      1;
    const needed = Math.abs(dims.reduce((a, b) => a * b, 1)) * itemSize;
    const data = Number.isFinite(needed) ? Math.max(0, Math.min(4096, needed) + f.dataDelta) : 0;
    const out = new Uint8Array(start + header.length + data);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, f.major, 0]);
    const length = Math.max(0, header.length + f.lengthDelta);
    const view = new DataView(out.buffer);
    if (f.major === 1) view.setUint16(8, length, true);
    else view.setUint32(8, length, true);
    out.set(new TextEncoder().encode(header), start);
    return f.cut === null ? out : out.subarray(0, f.cut);
  });

/**
 * Parses `input` within LIMIT_MS; a value must pass `valid` (what the parser promises about what it returns),
 * anything thrown must be an AekitError.
 */
function check<T, R>(input: T, parse: (input: T) => R, valid: (value: R) => string | undefined): void {
  const outcome = callWithin(() => parse(input), LIMIT_MS);
  expectValueOrAekitError(outcome, input);
  if (outcome.kind === 'value') {
    const wrong = valid(outcome.value);
    if (wrong !== undefined)
      throw new Error(
        `returned ${wrong} for input ${JSON.stringify(Array.from(input as never as Uint8Array).slice(0, 64))}`,
      );
  }
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const finite = (values: ArrayLike<number>) =>
  Array.prototype.every.call(values, (v: number) => Number.isFinite(v));
/** A shape of non-negative integers whose size is the number of values. */
function shapeProblem(shape: readonly number[], count: number): string | undefined {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) return `the shape [${shape}]`;
  return size(shape) === count ? undefined : `${count} values for the shape [${shape}]`;
}

const files = (dir: string, ext: RegExp) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => ext.test(f))
    .map((f) => new Uint8Array(readFileSync(join(FIXTURES, dir, f))));

describe('parsers of user files: random and mutated inputs give a value or an AekitError, in bounded time', () => {
  it('readIdx (plain and gzipped IDX)', () => {
    const idx = [
      writeIdx(
        [3, 4, 5],
        Uint8Array.from({ length: 60 }, (_, i) => i * 4),
      ),
      writeIdx(
        [7],
        Uint8Array.from({ length: 7 }, (_, i) => i),
      ),
    ];
    const seeds = [...idx, ...idx.map((b) => new Uint8Array(gzipSync(b)))];
    fc.assert(
      fc.property(bytesLike(seeds, 4), (bytes) =>
        check(
          bytes,
          (b) => readIdx(b, 'x.idx'),
          (r) => shapeProblem(r.dims, r.data.length),
        ),
      ),
      settings,
    );
    // Valid gzip streams around mutated IDX payloads: the IDX checks, not gunzip, must catch them.
    fc.assert(
      fc.property(fc.tuple(fc.constantFrom(...idx), edits), ([s, e]) =>
        check(
          new Uint8Array(gzipSync(applyEdits(s, e))),
          (b) => readIdx(b, 'x.idx.gz'),
          (r) => shapeProblem(r.dims, r.data.length),
        ),
      ),
      settings,
    );
  });

  it('parseCsv', () => {
    const valid = 'a,b,label\n1,2.5,0\n-3e2,4,1\n\n5,6,0\n';
    const cell = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        '1',
        '-2.5',
        '1e3',
        'NaN',
        'NA',
        'Infinity',
        '0x1f',
        'abc',
        '"q"',
        '1,2',
        '"7"',
        '"1,5"',
        '"a""b"',
        '"2\n3"',
        '"open',
        'x"y',
      ),
      fc.double().map(String),
    );
    const table = fc
      .array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 6 })
      .map((rows) => rows.map((r) => r.join(',')).join('\n'));
    const text = fc.oneof(
      table,
      fc.string({ maxLength: 200 }),
      fc
        .tuple(fc.constant(new TextEncoder().encode(valid)), edits)
        .map(([s, e]) => new TextDecoder().decode(applyEdits(s, e))),
    );
    const options = fc.record(
      {
        labelColumn: fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom('label', 'a', 'zz')),
        idColumn: fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom('b', '0', 'zz')),
        hasHeader: fc.boolean(),
        skipLines: fc.nat(3),
        missing: fc.constantFrom('error', 'drop-rows', 'zero'),
        skipBad: fc.boolean(),
        readColumns: fc.array(
          fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom('a', 'b', '1', 'zz')),
          {
            maxLength: 3,
          },
        ),
      },
      { requiredKeys: [] },
    );
    /** What a result breaks of the contract (undefined: nothing). */
    const problem = (r: ReturnType<typeof parseCsv>): string | undefined => {
      if (
        r.features.length !== r.count * r.featureCount ||
        !finite(r.features) ||
        (r.labels && !finite(r.labels)) ||
        (r.ids && r.ids.length !== r.count)
      ) {
        return `${r.features.length} features for ${r.count} rows of ${r.featureCount} (${r.ids?.length ?? 'no'} ids), or non-finite ones`;
      }
      if (r.lines.length !== r.count) return `${r.lines.length} lines for ${r.count} rows`;
      // Class names: every label one of their indices.
      if (r.labelNames && r.labels?.some((l) => !Number.isInteger(l) || l < 0 || l >= r.labelNames!.length)) {
        return `labels ${Array.from(r.labels)} for ${r.labelNames.length} class names`;
      }
      // Rows left out by skipBad: named by increasing lines, none of them a kept row's.
      const skipped = r.skipped ?? [];
      if (skipped.some((b, i) => b.line < 1 || (i > 0 && b.line <= skipped[i - 1]!.line))) {
        return `skipped lines ${skipped.map((b) => b.line)} not increasing`;
      }
      if (skipped.some((b) => r.lines.includes(b.line))) return 'a skipped line is also a kept row';
      return undefined;
    };
    fc.assert(
      fc.property(text, options, (t, o) => check(t, (s) => parseCsv(s, o, 'x.csv'), problem)),
      settings,
    );
  });

  it('parseCsv reads back any table of numbers, whatever its quoting, line endings and names', () => {
    const name = fc.string({ maxLength: 6 }).map((n) => `c${n}`);
    const table = fc.integer({ min: 1, max: 4 }).chain((width) =>
      fc.record({
        names: fc.uniqueArray(name, { minLength: width, maxLength: width }),
        rows: fc.array(
          fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), {
            minLength: width,
            maxLength: width,
          }),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        quote: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        eol: fc.constantFrom('\n', '\r\n'),
        delimiter: fc.constantFrom(',', '\t', ';'),
      }),
    );
    const quoted = (cell: string) => `"${cell.replaceAll('"', '""')}"`;
    fc.assert(
      fc.property(table, ({ names, rows, quote, eol, delimiter }) => {
        let k = 0;
        // A quoted cell keeps its spaces; an unquoted one is trimmed.
        const header: string[] = [];
        const cell = (c: string, name = false) => {
          const q =
            quote[k++ % quote.length] || /[",;\t\r\n]/.test(c) || /^\s*-?\d/.test(c) || c.trim() === '';
          if (name) header.push(q ? c : c.trim());
          return q ? quoted(c) : c;
        };
        const text = [names.map((n) => cell(n, true)), ...rows.map((r) => r.map((v) => cell(String(v))))]
          .map((r) => r.join(delimiter))
          .join(eol);
        const outcome = callWithin(() => parseCsv(text, { delimiter, hasHeader: true }, 'x.csv'), LIMIT_MS);
        if (outcome.kind !== 'value') throw new Error(`${JSON.stringify(text)}: ${String(outcome.kind)}`);
        const t = outcome.value;
        if (JSON.stringify(t.columns) !== JSON.stringify(header) || t.count !== rows.length) {
          throw new Error(`${JSON.stringify(text)} read as ${t.count} rows of ${JSON.stringify(t.columns)}`);
        }
        const want = rows.flat().map((v) => Math.fround(v));
        if (!want.every((v, i) => Object.is(v, t.features[i]) || v === t.features[i])) {
          throw new Error(`${JSON.stringify(text)} read as ${Array.from(t.features)}`);
        }
      }),
      settings,
    );
  });

  it('readNpy', () => {
    fc.assert(
      fc.property(fc.oneof(bytesLike(files('arrays', /\.npy$/), 10), npyFields), (bytes) =>
        check(
          bytes,
          (b) => readNpy(b, 'x.npy'),
          (r) => shapeProblem(r.shape, r.data.length),
        ),
      ),
      settings,
    );
  });

  it('readNpz (stored and deflated archives)', () => {
    fc.assert(
      fc.property(bytesLike(files('arrays', /\.npz$/), 4), (bytes) =>
        check(
          bytes,
          (b) => readNpz(b, 'x.npz'),
          (r) =>
            [...r.values()].map((a) => shapeProblem(a.shape, a.data.length)).find((p) => p !== undefined),
        ),
      ),
      settings,
    );
  });

  it('decodeImage (PNG of every kind, baseline and progressive JPEG)', () => {
    fc.assert(
      fc.property(
        fc.oneof(bytesLike(files('images', /\.(png|jpg)$/), 16), pngWithValidCrcs(files('images', /\.png$/))),
        (bytes) =>
          check(
            bytes,
            (b) => decodeImage(b, 'x.png'),
            (r) =>
              r.data.length !== r.width * r.height * r.channels || !r.data.every((v) => v >= 0 && v <= 1)
                ? `${r.data.length} samples for ${r.width}x${r.height}x${r.channels}, or samples outside [0, 1]`
                : undefined,
          ),
      ),
      { ...settings, numRuns: 2 * RUNS },
    );
  });

  it('parseJsonArray (mutated writer output, any JSON, random text)', () => {
    const written = [
      formatJsonArray(
        Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5),
        [3, 2, 2],
      ),
      formatJsonArray(new Float32Array([1, -0, 3.5]), [3]),
    ].map((t) => new TextEncoder().encode(t));
    const shaped = fc
      .record({
        shape: fc.array(fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constant(2 ** 31)), { maxLength: 4 }),
        data: fc.jsonValue({ maxDepth: 4 }),
      })
      .map((o) => JSON.stringify(o));
    const input = fc.oneof(
      bytesLike(written, 1),
      shaped.map((t) => new TextEncoder().encode(t)),
      fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))),
    );
    fc.assert(
      fc.property(input, (bytes) =>
        check(
          bytes,
          (b) => parseJsonArray(b, 'x.json'),
          (r) => shapeProblem(r.shape, r.data.length) ?? (finite(r.data) ? undefined : 'non-finite values'),
        ),
      ),
      { ...settings, numRuns: 2 * RUNS },
    );
  });
});
