import { createRng, DataError, OptionError } from '@aekit/core';
import { sampleCount } from '../internal/check.js';
import { requireFinite } from '../internal/finite.js';
import { fitStandardizer, type Standardizer, standardize } from './standardizer.js';

export interface LinearProbeOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty on the weights. Default 1e-4. */
  l2?: number;
  batchSize?: number;
  seed?: number;
}

export interface LinearProbe {
  classes: number;
  dim: number;
  standardizer: Standardizer;
  /** [dim, classes] */
  weights: Float64Array;
  bias: Float64Array;
  predict(x: Float32Array): Int32Array;
  accuracy(x: Float32Array, labels: ArrayLike<number>): number;
}

/**
 * Linear probe: multinomial logistic regression on standardised features, trained by mini-batch gradient
 * descent with Adam. The usual test of how linearly separable the classes are in a latent space.
 */
export function trainLinearProbe(
  x: Float32Array,
  dim: number,
  labels: ArrayLike<number>,
  options: LinearProbeOptions = {},
): LinearProbe {
  const n = sampleCount(x, dim, 'trainLinearProbe');
  if (labels.length !== n)
    throw new OptionError(`trainLinearProbe: ${n} samples but ${labels.length} labels.`);
  requireFinite(x, 'trainLinearProbe', { sampleSize: dim });
  let classes = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    if (!(Number.isInteger(label) && label >= 0)) {
      throw new DataError(
        'DATA_INVALID',
        `trainLinearProbe: labels must be class indices 0, 1, 2, ..., got ${label} at index ${i}.`,
        { details: { index: i, actual: label } },
      );
    }
    classes = Math.max(classes, label + 1);
  }
  const { epochs = 100, learningRate = 0.01, l2 = 1e-4, batchSize = 64, seed = 0 } = options;
  const standardizer = fitStandardizer(x, dim);
  const xs = standardize(x, dim, standardizer);
  const w = new Float64Array(dim * classes);
  const b = new Float64Array(classes);
  const mw = new Float64Array(w.length);
  const vw = new Float64Array(w.length);
  const mb = new Float64Array(classes);
  const vb = new Float64Array(classes);
  const gw = new Float64Array(w.length);
  const gb = new Float64Array(classes);
  const logits = new Float64Array(classes);
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = createRng(seed);
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      gw.fill(0);
      gb.fill(0);
      for (let t = start; t < end; t++) {
        const i = order[t] as number;
        let max = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < classes; c++) {
          let s = b[c] as number;
          for (let j = 0; j < dim; j++) s += (xs[i * dim + j] as number) * (w[j * classes + c] as number);
          logits[c] = s;
          max = Math.max(max, s);
        }
        let z = 0;
        for (let c = 0; c < classes; c++) {
          logits[c] = Math.exp((logits[c] as number) - max);
          z += logits[c] as number;
        }
        for (let c = 0; c < classes; c++) {
          const g = (logits[c] as number) / z - (labels[i] === c ? 1 : 0);
          gb[c] = (gb[c] as number) + g;
          for (let j = 0; j < dim; j++)
            gw[j * classes + c] = (gw[j * classes + c] as number) + g * (xs[i * dim + j] as number);
        }
      }
      const m = end - start;
      step++;
      const c1 = 1 - 0.9 ** step;
      const c2 = 1 - 0.999 ** step;
      for (let p = 0; p < w.length; p++) {
        const g = (gw[p] as number) / m + l2 * (w[p] as number);
        mw[p] = 0.9 * (mw[p] as number) + 0.1 * g;
        vw[p] = 0.999 * (vw[p] as number) + 0.001 * g * g;
        w[p] =
          (w[p] as number) -
          (learningRate * ((mw[p] as number) / c1)) / (Math.sqrt((vw[p] as number) / c2) + 1e-8);
      }
      for (let p = 0; p < classes; p++) {
        const g = (gb[p] as number) / m;
        mb[p] = 0.9 * (mb[p] as number) + 0.1 * g;
        vb[p] = 0.999 * (vb[p] as number) + 0.001 * g * g;
        b[p] =
          (b[p] as number) -
          (learningRate * ((mb[p] as number) / c1)) / (Math.sqrt((vb[p] as number) / c2) + 1e-8);
      }
    }
  }
  const predict = (q: Float32Array): Int32Array => {
    const qn = sampleCount(q, dim, 'LinearProbe.predict');
    const qs = standardize(q, dim, standardizer);
    const out = new Int32Array(qn);
    for (let i = 0; i < qn; i++) {
      let best = 0;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) {
        let s = b[c] as number;
        for (let j = 0; j < dim; j++) s += (qs[i * dim + j] as number) * (w[j * classes + c] as number);
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      out[i] = best;
    }
    return out;
  };
  return {
    classes,
    dim,
    standardizer,
    weights: w,
    bias: b,
    predict,
    accuracy(q, qLabels) {
      const p = predict(q);
      let hit = 0;
      for (let i = 0; i < p.length; i++) if (p[i] === qLabels[i]) hit++;
      return hit / p.length;
    },
  };
}
