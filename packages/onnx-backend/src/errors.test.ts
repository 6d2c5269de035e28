import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTIVATIONS, AekitError, LAYER_TYPES, type ModelSpec, validateSpec } from '@aekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSession,
  EXPORTABLE_ACTIVATIONS,
  EXPORTABLE_LAYERS,
  exportOnnx,
  onnx,
  saveOnnx,
} from './index.js';
import { randomWeights } from './testing/random.js';

const dir = mkdtempSync(join(tmpdir(), 'aekit-onnx-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<AekitError> {
  try {
    await promise;
  } catch (error) {
    expect(AekitError.isInstance(error), String(error)).toBe(true);
    return error as AekitError;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): AekitError {
  try {
    fn();
  } catch (error) {
    expect(AekitError.isInstance(error), String(error)).toBe(true);
    return error as AekitError;
  }
  throw new Error('expected an error');
}

// The zoo's denseAutoencoder({ latentDim: 8 }) and convAutoencoder() written out (the same specs, field for
// field): this package's tests depend on core only; tools/e2e runs every zoo model.
const spec = validateSpec({
  name: 'dense',
  inputShape: [28, 28, 1],
  encoder: [{ type: 'flatten' }, { type: 'dense', units: 8, activation: 'relu' }],
  decoder: [
    { type: 'dense', units: 784, activation: 'sigmoid' },
    { type: 'reshape', targetShape: [28, 28, 1] },
  ],
  loss: { reconstruction: 'bce' },
});
const convSpec = (): ModelSpec => {
  const conv = (filters: number, padding: 'same' | 'valid' = 'same', activation = 'relu') =>
    ({ type: 'conv2d', filters, kernelSize: 3, padding, activation }) as const;
  const pool = { type: 'maxPool2d', poolSize: 2, padding: 'same' } as const;
  const up = { type: 'upSampling2d', size: 2 } as const;
  return validateSpec({
    name: 'conv',
    inputShape: [28, 28, 1],
    encoder: [conv(16), pool, conv(8), pool, conv(8), pool],
    decoder: [conv(8), up, conv(8), up, conv(16, 'valid'), up, conv(1, 'same', 'sigmoid')],
    loss: { reconstruction: 'bce' },
  });
};
const weights = randomWeights(spec);
const full = exportOnnx(spec, weights, { part: 'full' });

describe('export errors', () => {
  it('exports every layer kind and activation of core', () => {
    expect(LAYER_TYPES.filter((t) => !EXPORTABLE_LAYERS.has(t))).toEqual([]);
    expect(ACTIVATIONS.filter((a) => !EXPORTABLE_ACTIVATIONS.has(a))).toEqual([]);
  });

  it('names the layer index and kind of an unsupported layer or activation', () => {
    const layer = { ...spec, encoder: [spec.encoder[0]!, { type: 'attention', heads: 2 }] };
    const e = thrown(() => exportOnnx(layer as never, weights));
    expect(e.code).toBe('EXPORT_UNSUPPORTED');
    expect(e.name).toBe('ExportError');
    expect(e.message).toContain('encoder[1]');
    expect(e.message).toContain('"attention"');
    const act = { ...spec, decoder: [{ ...spec.decoder[0]!, activation: 'gelu' }, ...spec.decoder.slice(1)] };
    const a = thrown(() => exportOnnx(act as never, weights));
    expect(a.code).toBe('EXPORT_UNSUPPORTED');
    expect(a.message).toMatch(/decoder\[0\] \(dense\): activation "gelu"/);
  });

  it('rejects weights that do not fit the spec and an unknown part', () => {
    const bad = weights.map((w) => (w.name === 'encoder.1.kernel' ? { ...w, shape: [8, 784] } : w));
    expect(thrown(() => exportOnnx(spec, bad)).code).toBe('WEIGHTS_INVALID');
    expect(thrown(() => exportOnnx(spec, weights, { part: 'middle' as never })).code).toBe('OPTION_INVALID');
  });
});

describe('inference errors', () => {
  it('a truncated .onnx file fails with MODEL_INVALID naming the size', async () => {
    for (const cut of [10, Math.floor(full.bytes.length / 2), full.bytes.length - 3]) {
      const path = join(dir, `truncated-${cut}.onnx`);
      writeFileSync(path, full.bytes.subarray(0, cut));
      const e = await rejection(createSession(path));
      expect(e.code).toBe('MODEL_INVALID');
      expect(e.message).toContain(`${cut} bytes`);
    }
    expect((await rejection(createSession(join(dir, 'missing.onnx')))).code).toBe('DATA_NOT_FOUND');
  });

  it('a model of another input shape fails with SHAPE_MISMATCH naming both shapes', async () => {
    const e = await rejection(createSession(full, { inputShape: [32, 32, 1] }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain('[28, 28, 1]');
    expect(e.message).toContain('[32, 32, 1]');
  });

  it('a wrong-sized input array fails with SHAPE_MISMATCH naming the sample size', async () => {
    const session = await createSession(full);
    const e = await rejection(session.reconstruct(new Float32Array(784 + 5)));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain('789 values');
    expect(e.message).toContain('784 values each');
    const raw = await rejection(
      session.run({ input: { shape: [1, 28, 28, 2], data: new Float32Array(1568) } }),
    );
    expect(raw.code).toBe('SHAPE_MISMATCH');
    await session.dispose();
  });

  it('asks for the right export when a part cannot do something, and checks the device', async () => {
    const encoder = await createSession(exportOnnx(spec, weights, { part: 'encoder' }));
    const e = await rejection(encoder.decode(new Float32Array(8)));
    expect(e.code).toBe('OPTION_INVALID');
    expect(e.message).toMatch(/decode is not available from the "encoder" export/);
    await encoder.dispose();
    const d = await rejection(createSession(full, { device: 'tpu' as never }));
    expect(d.code).toBe('OPTION_INVALID');
    expect(d.message).toContain('Should be one of: auto, gpu, cuda, webgpu, cpu, wasm, js');
    expect((await rejection(createSession(full, { runtime: 'node', device: 'wasm' }))).code).toBe(
      'OPTION_INVALID',
    );
    expect((await rejection(createSession(full, { runtime: 'web', device: 'cuda' }))).code).toBe(
      'OPTION_INVALID',
    );
  });

  it('a device whose binaries or adapter are missing fails with BACKEND_UNAVAILABLE and the fix', async () => {
    // Only where CUDA is not installed (as on CI): there the session must say how to install it.
    const cuda = await createSession(full, { device: 'cuda' }).catch((e: unknown) => e);
    if (AekitError.isInstance(cuda)) {
      expect(cuda.code).toBe('BACKEND_UNAVAILABLE');
      expect(cuda.message).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 pnpm install');
    } else {
      await (cuda as { dispose(): Promise<void> }).dispose();
    }
  });

  it('gpu and webgpu in Node use a GPU provider or list every candidate with its reason and fix', async () => {
    for (const device of ['gpu', 'webgpu'] as const) {
      const result = await createSession(full, { device }).catch((e: unknown) => e);
      if (!AekitError.isInstance(result)) {
        // A machine with CUDA or a WebGPU adapter: the session runs on it.
        const session = result as Awaited<ReturnType<typeof createSession>>;
        expect(['cuda', 'webgpu']).toContain(session.executionProviders[0]);
        await session.dispose();
        continue;
      }
      expect(result.code).toBe('BACKEND_UNAVAILABLE');
      expect(result.message).toContain(`device "${device}" (onnxruntime-node) could not load ONNX model:`);
      const failures = (result.details as { failures: string[] }).failures;
      expect(failures.map((f) => f.slice(0, f.indexOf(']') + 1))).toEqual(
        device === 'gpu' ? ['[cuda]', '[webgpu]'] : ['[webgpu]'],
      );
      for (const line of failures) {
        expect(line).toMatch(/\. To fix: /);
        expect(result.message).toContain(line);
      }
    }
  });

  it('device js fails as an option: ONNX Runtime has no plain-JS provider', async () => {
    const e = await rejection(createSession(full, { device: 'js' }));
    expect(e.code).toBe('OPTION_INVALID');
    expect(e.message).toContain('use device "wasm"');
  });
});

describe('ONNX models from other tools', () => {
  it('run() works without aekit metadata; the Autoencoder methods say why they cannot', async () => {
    const model = onnx.ModelProto.decode(full.bytes);
    model.metadataProps = [];
    const session = await createSession(onnx.ModelProto.encode(model).finish());
    expect(session.info).toBeNull();
    const out = await session.run({ input: { shape: [2, 28, 28, 1], data: new Float32Array(2 * 784) } });
    expect(out.reconstruction!.shape).toEqual([2, 28, 28, 1]);
    const e = await rejection(session.encode(new Float32Array(784)));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toContain('use run() with its inputs [input]');
    await session.dispose();
  });
});

describe('saveOnnx', () => {
  it('writes the file atomically (no temp file left) and the file loads by path', async () => {
    const conv = convSpec();
    const path = join(dir, 'conv.onnx');
    const result = await saveOnnx(path, conv, randomWeights(conv), { part: 'encoder' });
    expect(readdirSync(dir).filter((f) => f.startsWith('conv.onnx'))).toEqual(['conv.onnx']);
    expect(readFileSync(path).length).toBe(result.bytes.length);
    const session = await createSession(path);
    expect(session.info?.latentShape).toEqual([4, 4, 8]);
    expect((await session.encode(new Float32Array(2 * 784))).length).toBe(2 * 128);
    await session.dispose();
  });
});
