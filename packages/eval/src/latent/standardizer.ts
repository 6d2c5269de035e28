import { sampleCount } from '../internal/check.js';
import { requireFinite } from '../internal/finite.js';

export interface Standardizer {
  mean: Float64Array;
  std: Float64Array;
}

export function fitStandardizer(x: Float32Array, dim: number): Standardizer {
  const n = sampleCount(x, dim, 'fitStandardizer');
  requireFinite(x, 'fitStandardizer', { sampleSize: dim });
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (x[i * dim + j] as number) / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++)
      std[j] = (std[j] as number) + ((x[i * dim + j] as number) - (mean[j] as number)) ** 2 / n;
  }
  for (let j = 0; j < dim; j++) std[j] = Math.sqrt(std[j] as number) || 1;
  return { mean, std };
}

export function standardize(x: Float32Array, dim: number, s: Standardizer): Float32Array {
  requireFinite(x, 'standardize', { sampleSize: dim });
  return Float32Array.from(x, (v, i) => (v - (s.mean[i % dim] as number)) / (s.std[i % dim] as number));
}
