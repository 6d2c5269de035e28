import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeIdx } from '@aekit/datasets';
import { encodePng } from '@aekit/eval/images';
import { convAutoencoder } from '@aekit/models';
import { createSession } from '@aekit/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aekit, saveRandomCheckpoint } from '../test-utils/aekit.js';

let dir: string;
const spec = convAutoencoder();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-cli-onnx-'));
  await saveRandomCheckpoint(join(dir, 'run'), spec, { seed: 3, scale: 0.4 });
  const pixels = Uint8Array.from({ length: 5 * 784 }, (_, i) => (i * 37) % 256);
  await writeFile(join(dir, 'images.idx'), writeIdx([5, 28, 28], pixels));
  await writeFile(join(dir, 'one.png'), encodePng(pixels.subarray(0, 784), 28, 28));
  await writeFile(join(dir, 'small.png'), encodePng(pixels.subarray(0, 100), 10, 10));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aekit export / run / verify', () => {
  it('exports each part of a checkpoint to a loadable ONNX file', async () => {
    for (const part of ['full', 'encoder', 'decoder']) {
      const out = join(dir, `${part}.onnx`);
      const r = await aekit('export', '--checkpoint', join(dir, 'run'), '--part', part, '--out', out);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`wrote ${out}`);
      // Checked against the checkpoint (tfjs) before it was written.
      const parity = /parity with the checkpoint .* max \|diff\| (\S+) \(tolerance 0\.0001\)/.exec(r.stdout);
      expect(parity, r.stdout).not.toBeNull();
      expect(Number(parity![1])).toBeLessThan(1e-5);
      const session = await createSession(out);
      expect(session.info?.part).toBe(part);
      await session.dispose();
    }
  });

  it('writes nothing when the export does not match the checkpoint within --tolerance', async () => {
    const out = join(dir, 'strict.onnx');
    const r = await aekit('export', '--checkpoint', join(dir, 'run'), '--out', out, '--tolerance', '1e-30');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /differs from checkpoint .* by up to \S+ \(> --tolerance 1e-30\).*nothing was written/,
    );
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  it('runs the encoder on IDX + PNG inputs and the decoder on its latents', async () => {
    const out = join(dir, 'enc-out');
    const inputs = [join(dir, 'images.idx'), join(dir, 'one.png')];
    const r = await aekit(
      'run',
      '--model',
      join(dir, 'encoder.onnx'),
      '--input',
      ...inputs,
      '--out',
      out,
      '--device',
      'cpu',
    );
    expect(r.code, r.stderr).toBe(0);
    const latents = readNpy(new Uint8Array(await readFile(join(out, 'latents.npy'))));
    expect(latents.shape).toEqual([6, 4, 4, 8]);
    // The PNG is the IDX's first image: same code.
    const per = 128;
    const first = Array.from(latents.data.subarray(0, per) as Float32Array);
    const last = Array.from(latents.data.subarray(5 * per, 6 * per) as Float32Array);
    expect(Math.max(...first.map((v, i) => Math.abs(v - last[i]!)))).toBeLessThan(1e-6);

    const dec = join(dir, 'dec-out');
    const d = await aekit(
      'run',
      '--model',
      join(dir, 'decoder.onnx'),
      '--input',
      join(out, 'latents.npy'),
      '--out',
      dec,
    );
    expect(d.code, d.stderr).toBe(0);
    const png = await readFile(join(dec, 'reconstructions.png'));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(readNpy(new Uint8Array(await readFile(join(dec, 'reconstructions.npy')))).shape).toEqual([
      6, 28, 28, 1,
    ]);
  });

  it('fails with the expected and actual shapes for images of another size', async () => {
    const r = await aekit(
      'run',
      '--model',
      join(dir, 'full.onnx'),
      '--input',
      join(dir, 'small.png'),
      '--out',
      join(dir, 'x'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[28, 28, 1]');
    expect(r.stderr).toContain('[10, 10, 1]');
  });

  it('verifies a device against the CPU and reports max |diff| per output', async () => {
    const r = await aekit('verify', '--model', join(dir, 'full.onnx'), '--device', 'wasm');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok {3}reconstruction \[8, 28, 28, 1\]: max \|diff\| /);
    expect(r.stdout).toContain('parity ok on web:wasm');
    const bad = await aekit('verify', '--model', join(dir, 'full.onnx'), '--device', 'tpu');
    expect(bad.code).toBe(2);
  });

  it('takes core device words; js, which ONNX Runtime cannot run, is a usage error naming the fix', async () => {
    const r = await aekit(
      'run',
      '--model',
      join(dir, 'full.onnx'),
      '--input',
      join(dir, 'one.png'),
      '--device',
      'js',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ONNX Runtime has no plain-JavaScript execution provider; use device "wasm"');
    const bad = await aekit('verify', '--model', join(dir, 'full.onnx'), '--device', 'tpu');
    expect(bad.stderr).toContain('Should be one of: auto, gpu, cuda, webgpu, cpu, wasm, js');
  });
});
