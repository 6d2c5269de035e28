import type { ModelSpec } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import { IO_NAMES } from './metadata.js';
import { createSession } from './node-platform.js';
import { loadNodeRuntime } from './runtime-node.js';
import { createSessionOn } from './session.js';
import { recordingNodePlatform } from './test-utils/recording-platform.js';
import { layerSpecs, randomWeights } from './testing/index.js';

/**
 * onnxruntime-node recording how each run asked for its outputs (names, or preallocated tensors); with
 * `refuseInto`, a run given preallocated outputs fails as onnxruntime does for a shape it does not accept.
 */
function recordingPlatform(refuseInto = false) {
  const fetches: ('names' | 'into')[] = [];
  const platform = recordingNodePlatform(() => (feeds, asked, run) => {
    const into = asked !== undefined && !Array.isArray(asked);
    fetches.push(into ? 'into' : 'names');
    if (into && refuseInto) return Promise.reject(new Error('preallocated output shape mismatch'));
    return run(feeds, asked);
  });
  return { platform, fetches };
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const samples = (spec: ModelSpec, n: number) =>
  Float32Array.from({ length: n * size(spec.inputShape) }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37));

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** The outputs as the graph gives them, one sample per ONNX Runtime call. */
async function perSample(spec: ModelSpec, bytes: Uint8Array, x: Float32Array, outputs: readonly string[]) {
  const ort = await loadNodeRuntime('node', 'cpu');
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const per = size(spec.inputShape);
  const parts = outputs.map(() => [] as number[]);
  for (let i = 0; i < x.length / per; i++) {
    const input = new ort.Tensor('float32', x.slice(i * per, (i + 1) * per), [1, ...spec.inputShape]);
    const out = await session.run({ [IO_NAMES.input]: input }, outputs);
    outputs.forEach((name, k) => {
      parts[k]!.push(...(out[name]!.data as Float32Array));
    });
  }
  await session.release();
  return parts.map((p) => Float32Array.from(p));
}

describe('session outputs: one call, preallocated batches, copied batches', () => {
  it.each([
    ['convStrided', layerSpecs.convStrided!],
    ['vaeDense', layerSpecs.vaeDense!],
  ])('%s: the three paths equal one sample per call to 1e-5', async (_label, spec) => {
    const n = 7;
    const x = samples(spec, n);
    const bytes = exportOnnx(spec, randomWeights(spec), { part: 'full' }).bytes;
    const code = spec.latent.type === 'gaussian' ? IO_NAMES.mean : IO_NAMES.latent;
    const [reference, referenceCode] = await perSample(spec, bytes, x, [IO_NAMES.reconstruction, code]);

    const one = recordingPlatform();
    const whole = await createSessionOn(one.platform, bytes);
    const batched = recordingPlatform();
    const three = await createSessionOn(batched.platform, bytes, { batchSize: 3 });
    const refused = recordingPlatform(true);
    const copied = await createSessionOn(refused.platform, bytes, { batchSize: 3 });
    for (const session of [whole, three, copied]) {
      expect(maxDiff(await session.reconstruct(x), reference!)).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(await session.encode(x), referenceCode!)).toBeLessThanOrEqual(1e-5);
      await session.dispose();
    }
    // 7 samples: one call each (reconstruct, encode); 3 + 3 + 1 with batchSize 3, written in place; after
    // the first refusal, every batch asked by name and copied.
    expect(one.fetches).toEqual(['names', 'names']);
    expect(batched.fetches).toEqual(Array(6).fill('into'));
    expect(refused.fetches).toEqual(['into', 'names', 'names', 'names', 'into', 'names', 'names', 'names']);
  });

  it('each call returns arrays of its own, never a view of a shared buffer', async () => {
    const spec = layerSpecs.vaeDense!;
    const x = samples(spec, 5);
    const bytes = exportOnnx(spec, randomWeights(spec), { part: 'full' }).bytes;
    for (const batchSize of [2, 16]) {
      const session = await createSession(bytes, { batchSize });
      const a = await session.reconstruct(x);
      const b = await session.reconstruct(x);
      const { mean, logVar } = await session.encodeDistribution(x);
      expect(maxDiff(a, b)).toBe(0);
      for (const array of [a, b, mean, logVar]) expect(array.buffer.byteLength).toBe(array.byteLength);
      expect(new Set([a.buffer, b.buffer, mean.buffer, logVar.buffer]).size).toBe(4);
      a.fill(-1);
      expect(maxDiff(await session.reconstruct(x), b)).toBe(0);
      await session.dispose();
    }
  });

  it('an empty input gives empty outputs without running the graph', async () => {
    const spec = layerSpecs.convStrided!;
    const { platform, fetches } = recordingPlatform();
    const session = await createSessionOn(platform, exportOnnx(spec, randomWeights(spec)).bytes);
    expect((await session.reconstruct(new Float32Array(0))).length).toBe(0);
    expect(fetches).toEqual([]);
    await session.dispose();
  });
});
