import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJsonArray, readNpy, writeIdx } from '@aekit/datasets';
import { convAutoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aekit, saveRandomCheckpoint } from '../test-utils/aekit.js';

/**
 * The inputs of `aekit run` (issue #14 items 6, 7 and the 1-D .npy of item 9): PNGs of every bit depth, one
 * JSON format that --format json writes and --input reads, strict numbers, errors naming the file.
 */
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
let dir: string;

/** A .npy (float32, format 1.0) of `values` with `shape`. */
function npy(values: Float32Array, shape: number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(values.buffer), 10 + header.length);
  return out;
}

const json = async (path: string) => parseJsonArray(new Uint8Array(await readFile(path)), path);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-cli-run-inputs-'));
  const spec = convAutoencoder();
  await saveRandomCheckpoint(join(dir, 'run'), spec, { seed: 11, scale: 0.4 });
  for (const part of ['encoder', 'decoder']) {
    const r = await aekit(
      'export',
      '--checkpoint',
      join(dir, 'run'),
      '--part',
      part,
      '--out',
      join(dir, `${part}.onnx`),
    );
    expect(r.code, r.stderr).toBe(0);
  }
  const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 29) % 256);
  await writeFile(join(dir, 'images.idx'), writeIdx([3, 28, 28], pixels));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aekit run inputs', () => {
  it('a 1-bit PNG gives the model the same input as the 8-bit PNG of its pixels (it read packed bytes)', async () => {
    const out = join(dir, 'png-out');
    const r = await aekit(
      'run',
      '--model',
      join(dir, 'encoder.onnx'),
      '--format',
      'json',
      '--out',
      out,
      '--device',
      'cpu',
      '--input',
      join(FIXTURES, 'digit-1bit.png'),
      join(FIXTURES, 'digit-8bit.png'),
    );
    expect(r.code, r.stderr).toBe(0);
    const latents = await json(join(out, 'latents.json'));
    expect(latents.shape).toEqual([2, 4, 4, 8]);
    expect(Array.from(latents.data.subarray(0, 128))).toEqual(Array.from(latents.data.subarray(128)));
  });

  it('run --format json output is run --input: the JSON round trip gives what the .npy path gives', async () => {
    const enc = join(dir, 'enc');
    // biome-ignore format: flags in pairs
    const e = await aekit('run', '--model', join(dir, 'encoder.onnx'), '--input', join(dir, 'images.idx'),
      '--format', 'json', '--out', enc, '--device', 'cpu');
    expect(e.code, e.stderr).toBe(0);
    const codes = await json(join(enc, 'latents.json'));
    expect(codes.shape).toEqual([3, 4, 4, 8]);
    await writeFile(join(dir, 'codes.npy'), npy(codes.data, codes.shape));
    const fromJson = join(dir, 'dec-json');
    const fromNpy = join(dir, 'dec-npy');
    // biome-ignore format: flags in pairs
    const d1 = await aekit('run', '--model', join(dir, 'decoder.onnx'), '--input', join(enc, 'latents.json'),
      '--format', 'json', '--out', fromJson, '--device', 'cpu');
    expect(d1.code, d1.stderr).toBe(0);
    // biome-ignore format: flags in pairs
    const d2 = await aekit('run', '--model', join(dir, 'decoder.onnx'), '--input', join(dir, 'codes.npy'),
      '--out', fromNpy, '--device', 'cpu');
    expect(d2.code, d2.stderr).toBe(0);
    const a = await json(join(fromJson, 'reconstructions.json'));
    const b = readNpy(new Uint8Array(await readFile(join(fromNpy, 'reconstructions.npy'))));
    expect(a.shape).toEqual([3, 28, 28, 1]);
    expect(b.shape).toEqual(a.shape);
    expect(Array.from(a.data)).toEqual(Array.from(b.data as Float32Array));
  });

  it('a non-number in a JSON input is an error naming the file and the position (it became NaN, exit 0)', async () => {
    const file = join(dir, 'bad.json');
    const rows = Array.from({ length: 2 }, () => Array.from({ length: 128 }, () => 0.5)) as unknown[][];
    (rows[1] as unknown[])[7] = 'abc';
    await writeFile(file, JSON.stringify({ shape: [2, 4, 4, 8], data: rows }));
    const r = await aekit(
      'run',
      '--model',
      join(dir, 'decoder.onnx'),
      '--input',
      file,
      '--out',
      join(dir, 'x'),
    );
    expect(r.code).toBe(1);
    expect(r.stderrLines).toEqual([
      `error: ${file}: data[1][7] is the string "abc", expected a finite number`,
    ]);
  });

  it('a JSON syntax error names the file', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"shape": [1, 128], "data": [[0.5, 0.5,');
    const r = await aekit(
      'run',
      '--model',
      join(dir, 'decoder.onnx'),
      '--input',
      file,
      '--out',
      join(dir, 'x'),
    );
    expect(r.code).toBe(1);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(
      new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON \\(`),
    );
  });

  it('a 1-D .npy is one sample; one of the wrong size names its shape (n,) and the fix, not "shape []"', async () => {
    const one = join(dir, 'one-code.npy');
    await writeFile(one, npy(new Float32Array(128).fill(0.25), [128]));
    const ok = await aekit(
      'run',
      '--model',
      join(dir, 'decoder.onnx'),
      '--input',
      one,
      '--out',
      join(dir, 'one'),
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(readNpy(new Uint8Array(await readFile(join(dir, 'one', 'reconstructions.npy')))).shape).toEqual([
      1, 28, 28, 1,
    ]);
    const bad = join(dir, 'short-code.npy');
    await writeFile(bad, npy(new Float32Array(20), [20]));
    const r = await aekit(
      'run',
      '--model',
      join(dir, 'decoder.onnx'),
      '--input',
      bad,
      '--out',
      join(dir, 'x'),
    );
    expect(r.code).toBe(1);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).not.toContain('shape []');
    expect(r.stderrLines[0]).toContain(`input "${bad}" holds samples of shape [20] (its array is (20,))`);
    expect(r.stderrLines[0]).toContain(
      'takes samples of shape [4, 4, 8]; pass an array of shape (n, 4, 4, 8)',
    );
  });

  it('a corrupt PNG input names the file', async () => {
    const file = join(dir, 'cut.png');
    await copyFile(join(FIXTURES, 'digit-8bit.png'), file);
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 20));
    const r = await aekit(
      'run',
      '--model',
      join(dir, 'encoder.onnx'),
      '--input',
      file,
      '--out',
      join(dir, 'x'),
    );
    expect(r.code).toBe(1);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^error: .*cut\.png: truncated PNG: .*; re-export or re-download/);
  });
});
