import type { Autoencoder } from '@aekit/core';
import { sampleCount } from '../internal/check.js';
import { MODEL_FIX, requireFinite } from '../internal/finite.js';

/**
 * Encodes `x` in batches: [n, ...inputShape] -> [n, latentSize]. NaN or ±Infinity in `x` or in the codes the
 * model returns throw `DataError`.
 */
export async function encodeAll(
  model: Pick<Autoencoder, 'encode'>,
  x: Float32Array,
  featureSize: number,
  batchSize = 256,
): Promise<Float32Array> {
  const n = sampleCount(x, featureSize, 'encodeAll');
  requireFinite(x, 'encodeAll inputs', { sampleSize: featureSize });
  const parts: Float32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const codes = await model.encode(x.subarray(start * featureSize, end * featureSize));
    const dim = codes.length / (end - start);
    requireFinite(codes, `encodeAll: the model's codes of samples ${start} to ${end - 1}`, {
      sampleSize: dim,
      offset: start * dim,
      fix: MODEL_FIX,
    });
    parts.push(codes);
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
