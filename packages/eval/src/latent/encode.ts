import type { Autoencoder } from '@aekit/core';
import { sampleCount } from '../internal/check.js';

/** Encodes `x` in batches: [n, ...inputShape] -> [n, latentSize]. */
export async function encodeAll(
  model: Pick<Autoencoder, 'encode'>,
  x: Float32Array,
  featureSize: number,
  batchSize = 256,
): Promise<Float32Array> {
  const n = sampleCount(x, featureSize, 'encodeAll');
  const parts: Float32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    parts.push(
      await model.encode(x.subarray(start * featureSize, Math.min(n, start + batchSize) * featureSize)),
    );
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
