import { inferShapes, type ModelSpec, type NamedTensor, shapeSize } from '@aekit/core';
import { exportOnnx } from '../export-onnx.js';
import type { ExportPart } from '../metadata.js';
import { createSession } from '../node-platform.js';
import type { OnnxSession } from '../session.js';
import { maxAbsDiff, randomBatch } from './random.js';

/** What a forward pass of the same spec and weights returns, to compare the ONNX exports against. */
export interface ReferenceOutputs {
  /** The code (mean for a VAE). */
  latent: Float32Array;
  logVar?: Float32Array;
  reconstruction: Float32Array;
  /** decode(z) for the given z. */
  decoded?: Float32Array;
}

/** A forward pass to compare against: encode/decode/reconstruct of the same weights. */
export type Forward = (x: Float32Array, z: Float32Array) => Promise<ReferenceOutputs>;

/**
 * Exports encoder, decoder and full model, runs them in ONNX Runtime at batch 1 and 7, and returns max |diff|
 * of every output against `forward`. Exports land in `exported` (for the ONNX checker).
 */
export async function partDiffs(
  label: string,
  spec: ModelSpec,
  weights: readonly NamedTensor[],
  forward: Forward,
  runtime: 'node' | 'web',
  exported: Record<string, Uint8Array>,
): Promise<Record<string, number>> {
  const shapes = inferShapes(spec);
  const diffs: Record<string, number> = {};
  const sessions: Partial<Record<ExportPart, OnnxSession>> = {};
  for (const part of ['full', 'encoder', 'decoder'] as const) {
    const { bytes } = exportOnnx(spec, weights, { part });
    exported[`${label}-${part}`] = bytes;
    sessions[part] = await createSession(bytes, { runtime, device: runtime === 'web' ? 'wasm' : 'cpu' });
  }
  const full = sessions.full!;
  const enc = sessions.encoder!;
  const dec = sessions.decoder!;
  for (const n of [1, 7]) {
    const x = randomBatch(n, shapes.input, n);
    const z = randomBatch(n, shapes.latent, 100 + n);
    const ref = await forward(x, z);
    if (ref.reconstruction.length !== n * shapeSize(shapes.output)) {
      throw new Error(
        `${label}: the forward pass returned ${ref.reconstruction.length} reconstruction values, expected ${n * shapeSize(shapes.output)}`,
      );
    }
    diffs[`full.reconstruct@${n}`] = maxAbsDiff(await full.reconstruct(x), ref.reconstruction);
    diffs[`full.encode@${n}`] = maxAbsDiff(await full.encode(x), ref.latent);
    diffs[`encoder.encode@${n}`] = maxAbsDiff(await enc.encode(x), ref.latent);
    diffs[`decoder.decode@${n}`] = maxAbsDiff(await dec.decode(z), ref.decoded!);
    if (spec.latent.type === 'gaussian') {
      const dist = await enc.encodeDistribution(x);
      diffs[`encoder.logVar@${n}`] = maxAbsDiff(dist.logVar, ref.logVar!);
      diffs[`encoder.mean@${n}`] = maxAbsDiff(dist.mean, ref.latent);
    }
  }
  for (const s of Object.values(sessions)) await s.dispose();
  return diffs;
}
