import { createRng } from '@aekit/core';
import { UMAP } from 'umap-js';
import { Pca } from '../baselines/pca.js';
import { sampleCount } from '../internal/check.js';
import { requireFinite } from '../internal/finite.js';

/** 2-D projection of latents [n, dim] by PCA. */
export function projectPca2d(latents: Float32Array, dim: number): Float32Array {
  requireFinite(latents, 'projectPca2d', { sampleSize: dim });
  if (dim === 2) return latents.slice();
  return Pca.fit(latents, dim, { components: 2 }).transform(latents);
}

/** 2-D projection of latents [n, dim] by UMAP (umap-js), seeded so it is reproducible. */
export function projectUmap2d(
  latents: Float32Array,
  dim: number,
  options: { seed?: number; nNeighbors?: number; minDist?: number } = {},
): Float32Array {
  const n = sampleCount(latents, dim, 'projectUmap2d');
  requireFinite(latents, 'projectUmap2d', { sampleSize: dim });
  const rng = createRng(options.seed ?? 0);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(latents.subarray(i * dim, (i + 1) * dim)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(options.nNeighbors ?? 15, n - 1),
    minDist: options.minDist ?? 0.1,
    random: () => rng.next(),
  });
  const emb = umap.fit(rows);
  return Float32Array.from(emb.flat());
}
