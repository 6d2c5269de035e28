// Seeded random weights and batches, and a max |diff|, for parity tests (no tfjs here).
import { createRng, type ModelSpec, type NamedTensor, paramInfos } from '@aekit/core';

/** Random weights for every parameter of a spec (scaled by fan-in; positive batch-norm variances). */
export function randomWeights(spec: ModelSpec, seed = 7): NamedTensor[] {
  const rng = createRng(seed);
  return paramInfos(spec).map((p) => {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const fanIn = p.shape.length > 1 ? p.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (p.name.endsWith('movingVariance')) data[i] = 0.5 + u;
      else if (p.name.endsWith('gamma')) data[i] = 0.5 + u;
      else data[i] = ((u - 0.5) * 2) / Math.sqrt(fanIn);
    }
    return { name: p.name, shape: p.shape, data };
  });
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function randomBatch(n: number, shape: readonly number[], seed = 3): Float32Array {
  const rng = createRng(seed);
  const data = new Float32Array(n * shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.next();
  return data;
}
