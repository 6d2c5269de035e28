import { type AekitError, validateSpec } from '@aekit/core';
import { type CallOutcome, callWithin, callWithinAsync } from '@aekit/core/testing';
import { describe, expect, it } from 'vitest';
import { percentile, ReconstructionDetector, tabularAnomaly, thresholdFor } from './anomaly/index.js';
import { KnnDetector, Pca } from './baselines/index.js';
import {
  encodeAll,
  fitStandardizer,
  precisionAtK,
  projectPca2d,
  projectUmap2d,
  trainLinearProbe,
} from './latent/index.js';
import {
  bcePer,
  meanMse,
  meanPsnr,
  msePer,
  negativeElbo,
  pngRate,
  prAuc,
  psnrPer,
  quantizeUint8,
  rateQualityTable,
  rocAuc,
  scoreReconstructions,
  ssimPer,
  vaeNegativeElbo,
} from './metrics/index.js';

/**
 * NaN and ±Infinity in what a metric, threshold, ranking or detector of @aekit/eval is given (or what the model
 * it scores returns) throw DataError naming how many values are not finite and where; on 27df3dc prAuc looped
 * forever on a NaN score and the others returned NaN. Each call is bounded (callWithin stops an endless loop).
 */
const LIMIT_MS = 5000;

const NAN_MESSAGE =
  /: (\d+) of (\d+) values are not finite \((NaN|±Infinity|\d+ NaN, \d+ ±Infinity)\), at index \d+/;

function expectNonFiniteError(outcome: CallOutcome<unknown>, count: number, total: number): AekitError {
  if (outcome.kind === 'timeout') throw new Error(`no answer within ${outcome.ms} ms: it hangs`);
  if (outcome.kind === 'value') throw new Error(`returned ${String(outcome.value)} instead of throwing`);
  if (outcome.kind === 'other') throw outcome.error;
  const { error } = outcome;
  expect(error.name).toBe('DataError');
  expect(error.code).toBe('DATA_INVALID');
  const match = NAN_MESSAGE.exec(error.message);
  expect(match, error.message).not.toBeNull();
  expect([Number(match?.[1]), Number(match?.[2])], error.message).toEqual([count, total]);
  return error;
}

const sync = (fn: () => unknown) => callWithin(fn, LIMIT_MS);
const async = (fn: () => Promise<unknown>) => callWithinAsync(fn, LIMIT_MS);

/** A 16x16 gradient image (big enough for SSIM's 11x11 window). */
const image = (): Float32Array => Float32Array.from({ length: 256 }, (_, i) => (i % 16) / 15);
const withValue = (x: Float32Array, index: number, value: number): Float32Array => {
  const y = x.slice();
  y[index] = value;
  return y;
};
const rows = (n: number, d: number): Float32Array =>
  Float32Array.from({ length: n * d }, (_, i) => Math.sin(i * 0.7) + (i % d));

/** A model whose outputs hold NaN: a diverged network. */
const divergedModel = {
  spec: validateSpec({
    name: 'diverged',
    inputShape: [4],
    encoder: [{ type: 'dense', units: 2 }],
    decoder: [{ type: 'dense', units: 4 }],
    loss: { reconstruction: 'mse' },
  }),
  reconstruct: async (x: Float32Array) => x.map(() => Number.NaN),
  encode: async (x: Float32Array) => new Float32Array(x.length / 2).fill(Number.NaN),
  decode: async (z: Float32Array) => new Float32Array(z.length * 2).fill(Number.NaN),
  encodeDistribution: async (x: Float32Array) => ({
    mean: new Float32Array(x.length / 2),
    logVar: new Float32Array(x.length / 2),
  }),
};

describe('non-finite inputs of every metric throw DataError naming how many and where', () => {
  it('prAuc and rocAuc: NaN and ±Infinity scores (prAuc looped forever on 27df3dc)', () => {
    expectNonFiniteError(
      sync(() => prAuc([1, 0], [Number.NaN, 0.5])),
      1,
      2,
    );
    expectNonFiniteError(
      sync(() => rocAuc([1, 0], [Number.NaN, 0.5])),
      1,
      2,
    );
    const e = expectNonFiniteError(
      sync(() => prAuc([1, 0, 1, 0], [Number.POSITIVE_INFINITY, 0.5, Number.NEGATIVE_INFINITY, Number.NaN])),
      3,
      4,
    );
    expect(e.message).toMatch(
      /^prAuc scores: 3 of 4 values are not finite \(1 NaN, 2 ±Infinity\), at index 0, index 2, index 3;/,
    );
    // Finite scores still score as sklearn does.
    expect(prAuc([1, 0, 1, 0], [0.9, 0.1, 0.9, 0.2])).toBe(1);
  });

  it('per-sample and whole-set image metrics name the sample and the value', () => {
    const a = rows(3, 4);
    const e = expectNonFiniteError(
      sync(() => msePer(a, withValue(a, 5, Number.NaN), 4)),
      1,
      12,
    );
    expect(e.message).toMatch(/^mse prediction: .* at index 5 \(sample 1, value 1\); .*retrain/);
    expectNonFiniteError(
      sync(() => msePer(withValue(a, 0, Number.POSITIVE_INFINITY), a, 4)),
      1,
      12,
    );
    expectNonFiniteError(
      sync(() => bcePer(a, withValue(a, 1, Number.NaN), 4)),
      1,
      12,
    );
    expectNonFiniteError(
      sync(() => psnrPer(a, withValue(a, 2, Number.NaN), 4)),
      1,
      12,
    );
    expectNonFiniteError(
      sync(() => meanMse(a, withValue(a, 3, Number.NaN))),
      1,
      12,
    );
    expectNonFiniteError(
      sync(() => meanPsnr(withValue(a, 3, Number.NaN), a, 4)),
      1,
      12,
    );
    expectNonFiniteError(
      sync(() => ssimPer(image(), withValue(image(), 100, Number.NaN), [16, 16, 1])),
      1,
      256,
    );
  });

  it('ELBO, quantisation and PNG rate', async () => {
    const x = new Float32Array([0.2, 0.4, 0.6, 0.8]);
    const m = new Float32Array([0, 0.1]);
    expectNonFiniteError(
      sync(() =>
        negativeElbo({ x, reconstruction: x, mean: m, logVar: withValue(m, 1, Number.NaN), featureSize: 2 }),
      ),
      1,
      2,
    );
    expectNonFiniteError(
      sync(() => quantizeUint8(withValue(rows(4, 2), 7, Number.NaN), 2)),
      1,
      8,
    );
    expectNonFiniteError(
      sync(() => pngRate(withValue(image(), 0, Number.NaN), [16, 16, 1])),
      1,
      256,
    );
    expectNonFiniteError(await async(() => vaeNegativeElbo(divergedModel, x, { featureSize: 2 })), 4, 4);
    expectNonFiniteError(await async(() => rateQualityTable(divergedModel, image(), [16, 16, 1])), 128, 128);
  });

  it('scoreReconstructions and encodeAll: a model returning NaN names the model and the samples', async () => {
    const x = rows(3, 4);
    const e = expectNonFiniteError(
      await async(() => scoreReconstructions(divergedModel, x, x, { sampleSize: 4 })),
      12,
      12,
    );
    expect(e.message).toMatch(
      /^scoreReconstructions: the model's outputs for samples 0 to 2: 12 of 12 .*diverged/,
    );
    expectNonFiniteError(
      await async(() =>
        scoreReconstructions(divergedModel, x, withValue(x, 4, Number.NaN), { sampleSize: 4 }),
      ),
      1,
      12,
    );
    expectNonFiniteError(await async(() => encodeAll(divergedModel, x, 4)), 6, 6);
  });

  it('thresholds: percentile and thresholdFor', () => {
    expectNonFiniteError(
      sync(() => percentile([1, Number.NaN, 3], 50)),
      1,
      3,
    );
    expectNonFiniteError(
      sync(() => thresholdFor([1, 2, Number.POSITIVE_INFINITY], { contamination: 0.1 })),
      1,
      3,
    );
  });

  it('detectors: ReconstructionDetector on NaN data or a NaN model, kNN, PCA, the tabular protocol', async () => {
    const x = rows(6, 4);
    const e = expectNonFiniteError(
      await async(() => new ReconstructionDetector(divergedModel, { featureSize: 4 }).fit(x)),
      24,
      24,
    );
    expect(e.message).toMatch(/^ReconstructionDetector: the model's reconstructions of samples 0 to 5/);
    const copy = { reconstruct: (v: Float32Array) => v };
    const fitted = await new ReconstructionDetector(copy, { featureSize: 4 }).fit(x);
    expectNonFiniteError(await async(() => fitted.score(withValue(x, 9, Number.NaN))), 1, 24);
    expectNonFiniteError(await async(() => fitted.predict(withValue(x, 9, Number.NEGATIVE_INFINITY))), 1, 24);
    // Finite values whose squared error overflows float32 are caught too.
    const huge = { reconstruct: (v: Float32Array) => v.map(() => 3e38) };
    expectNonFiniteError(
      await async(() => new ReconstructionDetector(huge, { featureSize: 4 }).fit(x.map(() => -3e38))),
      24,
      24,
    );
    expectNonFiniteError(
      sync(() => new KnnDetector(4).fit(withValue(x, 0, Number.NaN))),
      1,
      24,
    );
    expectNonFiniteError(
      sync(() => new KnnDetector(4, { k: 2 }).fit(x).score(withValue(x, 0, Number.NaN))),
      1,
      24,
    );
    expectNonFiniteError(
      sync(() => Pca.fit(withValue(x, 3, Number.NaN), 4, { components: 2 })),
      1,
      24,
    );
    expectNonFiniteError(
      sync(() => Pca.fit(x, 4, { components: 2 }).transform(withValue(x, 3, Number.NaN))),
      1,
      24,
    );
    expectNonFiniteError(
      await async(() =>
        tabularAnomaly({
          features: withValue(rows(20, 3), 7, Number.NaN),
          featureCount: 3,
          anomaly: Array.from({ length: 20 }, (_, i) => (i < 4 ? 1 : 0)),
        }),
      ),
      1,
      60,
    );
  });

  it('latent analysis: probe, standardiser, retrieval, projections', () => {
    const z = withValue(rows(12, 3), 4, Number.NaN);
    const labels = Array.from({ length: 12 }, (_, i) => i % 2);
    expectNonFiniteError(
      sync(() => trainLinearProbe(z, 3, labels, { epochs: 1 })),
      1,
      36,
    );
    expectNonFiniteError(
      sync(() => fitStandardizer(z, 3)),
      1,
      36,
    );
    expectNonFiniteError(
      sync(() => precisionAtK(z, 3, labels, 3)),
      1,
      36,
    );
    expectNonFiniteError(
      sync(() => projectPca2d(z, 3)),
      1,
      36,
    );
    expectNonFiniteError(
      sync(() => projectUmap2d(z, 3)),
      1,
      36,
    );
    expect(() => trainLinearProbe(rows(12, 3), 3, [...labels.slice(1), Number.NaN])).toThrow(
      /labels must be class indices 0, 1, 2, \.\.\., got NaN at index 11/,
    );
  });
});
