import { createRng, initialWeights, type ModelSpec, type NamedTensor } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { convBottleneckAutoencoder } from './conv-bottleneck.js';
import { deepAutoencoder, denseAutoencoder } from './dense.js';
import { pcaWarmStart } from './pca-warm-start.js';

const F = 48;
const K = 4;

/** k orthonormal rows of F values (Gram-Schmidt on seeded normals) and a mean: any PCA solution's shape. */
function randomPca(seed: number): { mean: Float64Array; components: Float64Array } {
  const rng = createRng(seed);
  const components = new Float64Array(K * F);
  for (let c = 0; c < K; c++) {
    const row = components.subarray(c * F, (c + 1) * F);
    for (let j = 0; j < F; j++) row[j] = rng.normal();
    for (let p = 0; p < c; p++) {
      const prev = components.subarray(p * F, (p + 1) * F);
      const dot = row.reduce((s, v, j) => s + v * prev[j]!, 0);
      for (let j = 0; j < F; j++) row[j] = row[j]! - dot * prev[j]!;
    }
    const norm = Math.hypot(...row);
    for (let j = 0; j < F; j++) row[j] = row[j]! / norm;
  }
  return { mean: Float64Array.from({ length: F }, () => rng.next()), components };
}

/** The dense stack of a spec run by hand in float64: flatten/reshape are no-ops on one sample's values. */
function forward(spec: ModelSpec, weights: NamedTensor[], x: Float64Array): Float64Array {
  const w = new Map(weights.map((t) => [t.name, t.data]));
  let h = x;
  for (const half of ['encoder', 'decoder'] as const) {
    spec[half].forEach((layer, i) => {
      if (layer.type !== 'dense') return;
      const kernel = w.get(`${half}.${i}.kernel`)!;
      const bias = w.get(`${half}.${i}.bias`)!;
      const out = new Float64Array(layer.units);
      for (let o = 0; o < layer.units; o++) {
        let s = bias[o]!;
        for (let r = 0; r < h.length; r++) s += h[r]! * kernel[r * layer.units + o]!;
        out[o] = layer.activation === 'relu' ? Math.max(0, s) : s;
      }
      h = out;
    });
  }
  return h;
}

function pcaReconstruct(
  pca: { mean: Float64Array; components: Float64Array },
  x: Float64Array,
): Float64Array {
  const out = Float64Array.from(pca.mean);
  for (let c = 0; c < K; c++) {
    let z = 0;
    for (let j = 0; j < F; j++) z += pca.components[c * F + j]! * (x[j]! - pca.mean[j]!);
    for (let j = 0; j < F; j++) out[j] = out[j]! + z * pca.components[c * F + j]!;
  }
  return out;
}

const linear = { latentDim: K, latentActivation: 'linear', outputActivation: 'linear', loss: 'mse' } as const;

describe('pcaWarmStart', () => {
  it('reconstructs as PCA does before any training (deep ReLU with extra units, and dense), within 1e-5', () => {
    const pca = randomPca(1);
    const rng = createRng(2);
    for (const spec of [
      deepAutoencoder({ inputShape: [4, 4, 3], hidden: [20, 8], ...linear }),
      deepAutoencoder({ inputShape: [F], hidden: [8], ...linear }),
      denseAutoencoder({ inputShape: [4, 4, 3], ...linear }),
    ]) {
      const weights = pcaWarmStart(spec, pca, 3);
      expect(weights.map((t) => t.name)).toEqual(initialWeights(spec, 3).map((t) => t.name));
      let worst = 0;
      for (let s = 0; s < 20; s++) {
        // Samples around the mean and far off the PCA subspace: both signs of every code value occur.
        const x = Float64Array.from({ length: F }, () => rng.next() * 2 - 0.5);
        const got = forward(spec, weights, x);
        const want = pcaReconstruct(pca, x);
        for (let j = 0; j < F; j++) worst = Math.max(worst, Math.abs(got[j]! - want[j]!));
      }
      expect(worst, spec.name).toBeLessThan(1e-5);
    }
  });

  it('with clip, reconstructs as PCA clipped to [0, 1] does (from the code and from ReLU pairs), within 1e-5', () => {
    const pca = randomPca(1);
    const rng = createRng(4);
    for (const hidden of [[2 * F], [2 * F + 4, 8]]) {
      const spec = deepAutoencoder({ inputShape: [F], hidden, ...linear });
      const weights = pcaWarmStart(spec, pca, 3, { clip: [0, 1] });
      let worst = 0;
      let clipped = 0;
      for (let s = 0; s < 20; s++) {
        const x = Float64Array.from({ length: F }, () => rng.next() * 2 - 0.5);
        const got = forward(spec, weights, x);
        const want = pcaReconstruct(pca, x);
        for (let j = 0; j < F; j++) {
          const c = Math.min(1, Math.max(0, want[j]!));
          if (c !== want[j]) clipped++;
          worst = Math.max(worst, Math.abs(got[j]! - c));
        }
      }
      expect(clipped, 'values outside [0, 1] occur').toBeGreaterThan(50);
      expect(worst, hidden.join('-')).toBeLessThan(1e-5);
    }
    expect(() =>
      pcaWarmStart(deepAutoencoder({ inputShape: [F], hidden: [64], ...linear }), pca, 0, { clip: [0, 1] }),
    ).toThrow(
      /clipping its output needs a last decoder hidden layer of at least 2 x 48 units .* it has 64 \(decoder.0\)/,
    );
  });

  it('keeps random input weights on the extra hidden units and zero weights out of them', () => {
    const spec = deepAutoencoder({ inputShape: [F], hidden: [12], ...linear });
    const w = new Map(pcaWarmStart(spec, randomPca(1), 3).map((t) => [t.name, t.data]));
    const first = w.get('encoder.0.kernel')!; // [F, 12]: units 8..11 are extra
    expect(first.filter((_, i) => i % 12 >= 2 * K).some((v) => v !== 0)).toBe(true);
    const code = w.get('encoder.1.kernel')!; // [12, K]: rows 8..11 from the extra units
    expect(code.subarray(2 * K * K).every((v) => v === 0)).toBe(true);
  });

  it('refuses specs it cannot start at PCA, naming the model and what it needs', () => {
    const pca = randomPca(1);
    expect(() => pcaWarmStart(deepAutoencoder({ inputShape: [F], hidden: [6], ...linear }), pca, 0)).toThrow(
      /model "deep": its hidden layer encoder.0 has 6 units; it needs at least 2k = 8/,
    );
    expect(() =>
      pcaWarmStart(deepAutoencoder({ inputShape: [F], hidden: [8], latentDim: K }), pca, 0),
    ).toThrow(/model "deep": its code is relu; it needs a linear code/);
    expect(() =>
      pcaWarmStart(
        deepAutoencoder({ inputShape: [F], hidden: [8], ...linear, outputActivation: 'sigmoid' }),
        pca,
        0,
      ),
    ).toThrow(/its output is sigmoid; it needs a linear output/);
    expect(() =>
      pcaWarmStart(deepAutoencoder({ inputShape: [F], hidden: [8], ...linear, activation: 'tanh' }), pca, 0),
    ).toThrow(/its hidden layer encoder.0 is tanh; it needs ReLU hidden layers/);
    expect(() =>
      pcaWarmStart(deepAutoencoder({ inputShape: [F], hidden: [8], ...linear, latentDim: 5 }), pca, 0),
    ).toThrow(/its code has 5 values but the PCA 4 components/);
    expect(() =>
      pcaWarmStart(convBottleneckAutoencoder({ inputShape: [4, 4, 3], latentDim: K }), pca, 0),
    ).toThrow(
      /model "conv-bottleneck": its encoder has a conv2d layer \(encoder.0\); it needs dense layers only/,
    );
  });
});
