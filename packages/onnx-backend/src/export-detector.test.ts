import { createRng, inferShapes, type ModelSpec, scaleValues, shapeSize, validateSpec } from '@aekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { exportDetectorOnnx } from './export-detector.js';
import { KNN_CHUNK_VALUES } from './export-detector-graph.js';
import { DETECTOR_METADATA_KEY } from './metadata.js';
import { createSession } from './node-platform.js';
import { readOnnxInfo } from './read-model.js';
import { referenceForward } from './test-utils/reference.js';
import { checkerUnavailable, checkModels, layerSpecs, randomBatch, randomWeights } from './testing/index.js';

const withScaler = (spec: ModelSpec, offset: number[], scale: number[]): ModelSpec =>
  validateSpec({ ...spec, scaler: { type: 'zscore', offset, scale } });

const cases: Record<string, ModelSpec> = {
  table: withScaler(
    layerSpecs.vaeDense!,
    Array.from({ length: 12 }, (_, i) => i / 4 - 1),
    Array.from({ length: 12 }, (_, i) => 0.5 + i / 8),
  ),
  image: withScaler(layerSpecs.convStrided!, [0.2, -1, 3], [0.5, 2, 1.5]),
  unscaled: layerSpecs.convStrided!,
};
const exported: Record<string, Uint8Array> = {};

type Kind = 'mse' | 'mae' | 'nmse' | 'elbo' | 'latent-knn' | 'mse+latent-knn' | 'nmse+latent-knn';

/** The score of each sample as AnomalyDetector computes it (float64 from the reference's float32 outputs). */
function expectedScores(
  spec: ModelSpec,
  weights: ReturnType<typeof randomWeights>,
  x: Float32Array,
  kind: Kind,
  extra: {
    featureScale: number[];
    codes: Float32Array;
    k: number;
    codeScale?: { mean: number[]; std: number[] };
  },
): { scores: number[]; parts: { error: number[]; latent: number[] } } {
  const shapes = inferShapes(spec);
  const d = shapeSize(shapes.input);
  const c = shapeSize(shapes.latent);
  const n = x.length / d;
  const scaled = spec.scaler ? scaleValues(spec.scaler, x) : x;
  const ref = referenceForward(spec, weights, scaled);
  const y = ref.reconstruction;
  const error = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = scaled[i * d + j] as number;
      const p = y[i * d + j] as number;
      const e = p - t;
      if (kind === 'mae') s += Math.abs(e);
      else if (kind.startsWith('nmse')) s += (e * e) / (extra.featureScale[j] as number);
      else if (kind === 'elbo' && spec.loss.reconstruction === 'bce') {
        const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
        s -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
      } else if (kind === 'elbo') s += 0.5 * e * e;
      else s += e * e;
    }
    if (kind !== 'elbo') return s / d;
    let kl = 0;
    const dim = c;
    for (let j = 0; j < dim; j++) {
      const m = ref.latent[i * dim + j] as number;
      const lv = (ref.logVar as Float32Array)[i * dim + j] as number;
      kl += -0.5 * (1 + lv - m * m - Math.exp(lv));
    }
    return s + (spec.latent.type === 'gaussian' ? spec.latent.beta : 1) * kl;
  });
  const count = extra.codes.length / c;
  const cs = extra.codeScale;
  const standard = (v: number, j: number) => (cs ? (v - (cs.mean[j] as number)) / (cs.std[j] as number) : v);
  const latent = Array.from({ length: n }, (_, i) => {
    const dist = Array.from({ length: count }, (_, r) => {
      let s = 0;
      for (let j = 0; j < c; j++)
        s +=
          (standard(ref.latent[i * c + j] as number, j) - standard(extra.codes[r * c + j] as number, j)) ** 2;
      return s;
    }).sort((a, b) => a - b);
    return Math.sqrt(dist[extra.k - 1] as number);
  });
  if (kind === 'latent-knn') return { scores: latent, parts: { error, latent } };
  if (!kind.includes('+')) return { scores: error, parts: { error, latent } };
  const [me, se] = meanStd(error);
  const [ml, sl] = meanStd(latent);
  return {
    scores: error.map((e, i) => (e - me) / se + ((latent[i] as number) - ml) / sl),
    parts: { error, latent },
  };
}

function meanStd(v: number[]): [number, number] {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return [mean, Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)];
}

const vaeMse = validateSpec({
  ...layerSpecs.vaeDense!,
  name: 'vae-dense-mse',
  latent: { type: 'gaussian', dim: 3, beta: 0.5 },
  loss: { reconstruction: 'mse', reduction: 'sum' },
});

const plan: [string, ModelSpec, Kind[]][] = [
  ['table', cases.table!, ['mse', 'mae', 'nmse', 'elbo', 'latent-knn', 'mse+latent-knn', 'nmse+latent-knn']],
  ['image', cases.image!, ['mse', 'mae', 'nmse', 'latent-knn', 'mse+latent-knn', 'nmse+latent-knn']],
  ['unscaled', cases.unscaled!, ['mse', 'mae', 'nmse', 'latent-knn']],
  ['vae-mse', vaeMse, ['elbo']],
];

describe('ONNX detector graph (raw input -> scaler -> model -> score, is_anomaly)', () => {
  for (const [label, spec, kinds] of plan) {
    for (const score of kinds) {
      it(`${label}, ${score}: scores equal the reference network's to 1e-5, is_anomaly = score > threshold`, async () => {
        const weights = randomWeights(spec);
        const shapes = inferShapes(spec);
        const d = shapeSize(shapes.input);
        const n = 9;
        const x = randomBatch(n, shapes.input, 5);
        const featureScale = Array.from({ length: d }, (_, j) => 0.05 + (j % 7) / 10);
        // The stored codes: the reference's codes of 40 other inputs.
        const normal = randomBatch(40, shapes.input, 11);
        const codes = referenceForward(
          spec,
          weights,
          spec.scaler ? scaleValues(spec.scaler, normal) : normal,
        ).latent;
        const k = 3;
        // Each code value's spread on the stored codes (a version-2 detector file's codeScale).
        const c = shapeSize(shapes.latent);
        const codeScale = { mean: new Array<number>(c).fill(0), std: new Array<number>(c).fill(0) };
        for (let i = 0; i < codes.length; i++)
          codeScale.mean[i % c]! += (codes[i] as number) / (codes.length / c);
        for (let i = 0; i < codes.length; i++)
          codeScale.std[i % c]! += ((codes[i] as number) - codeScale.mean[i % c]!) ** 2 / (codes.length / c);
        codeScale.std = codeScale.std.map((v) => Math.fround(Math.sqrt(v) + 1e-3));
        codeScale.mean = codeScale.mean.map(Math.fround);
        const { scores: expected, parts } = expectedScores(spec, weights, x, score, {
          featureScale,
          codes,
          k,
          codeScale,
        });
        const sorted = [...expected].sort((a, b) => a - b);
        const threshold = ((sorted[4] as number) + (sorted[5] as number)) / 2;
        const { bytes } = exportDetectorOnnx(spec, weights, {
          score,
          featureScale,
          codes,
          codeScale,
          k,
          normalisation: { mse: meanStd(parts.error), latentKnn: meanStd(parts.latent) },
          threshold: { method: 'fpr:0.05', value: threshold, expectedFalseAlarmRate: 0.05 },
          calibration: { count: 100, p50: 0.1 },
        });
        exported[`${label}-${score}`] = bytes;
        const session = await createSession(bytes);
        const out = await session.run({ input: { data: x, shape: [n, ...shapes.input] } });
        await session.dispose();
        const scores = out.score!.data as Float32Array;
        expect(out.score!.shape).toEqual([n]);
        // Relative to the score where it is above 1: standardised code distances are some sqrt(code size) large.
        let max = 0;
        for (let i = 0; i < n; i++) {
          const e = expected[i] as number;
          max = Math.max(max, Math.abs((scores[i] as number) - e) / Math.max(1, Math.abs(e)));
        }
        // The latent part divides the codes' difference between the runtimes (about one float32 step, ~1.2e-7
        // here) by each code value's spread on the stored codes, and a combined score divides again by that
        // part's calibration std: 0.0035 for the image model's random codes, so 3.5e-5. A trained model's codes
        // spread as widely as they are large (tools/e2e: within 1e-5).
        const [, se] = meanStd(parts.error);
        const [, sl] = meanStd(parts.latent);
        const spread = Math.min(...codeScale.std);
        const latentTolerance = 2.5e-7 / spread;
        const tolerance = score.includes('+')
          ? 1e-5 + 2.5e-7 / se + latentTolerance / sl
          : score === 'latent-knn'
            ? 1e-5 + latentTolerance
            : 1e-5;
        expect(max).toBeLessThanOrEqual(tolerance);
        const flags = Array.from(out.is_anomaly!.data as ArrayLike<unknown>, (v) => (v ? 1 : 0));
        expect(flags).toEqual(expected.map((s) => (s > threshold ? 1 : 0)));
        expect(flags.filter(Boolean)).toHaveLength(4);
        if (score === 'latent-knn') expect(out.feature_errors).toBeUndefined();
        else expect(out.feature_errors!.shape).toEqual([n, ...shapes.input]);
      });
    }
  }

  it('latent kNN over more stored codes than one chunk holds: the chunks give the one-pass distances', async () => {
    const spec = cases.table!;
    const weights = randomWeights(spec);
    const n = 6;
    const x = randomBatch(n, [12], 5);
    const count = Math.ceil((2.5 * KNN_CHUNK_VALUES) / 3);
    const near = referenceForward(spec, weights, scaleValues(spec.scaler!, x)).latent;
    // Stored codes: noise around the inputs' own codes, so the nearest ones sit in every chunk.
    const rng = createRng(4);
    const codes = Float32Array.from({ length: count * 3 }, (_, i) => {
      const row = Math.floor(i / 3);
      return (near[(row % n) * 3 + (i % 3)] as number) + (rng.next() - 0.5) * (0.01 + row / count);
    });
    const k = 7;
    const { scores: expected } = expectedScores(spec, weights, x, 'latent-knn', {
      featureScale: [],
      codes,
      k,
    });
    const { bytes, model } = exportDetectorOnnx(spec, weights, {
      score: 'latent-knn',
      codes,
      k,
      threshold: { method: 'fpr:0.05', value: 0.5 },
    });
    expect(model.graph!.node!.filter((node) => node.opType === 'ReduceSumSquare')).toHaveLength(3);
    const facts = JSON.parse(model.metadataProps!.find((p) => p.key === DETECTOR_METADATA_KEY)!.value!);
    expect(facts).toMatchObject({ score: 'latent-knn', k, codes: count });
    exported['table-latent-knn-chunked'] = bytes;
    const session = await createSession(bytes);
    const out = await session.run({ input: { data: x, shape: [n, 12] } });
    await session.dispose();
    const scores = out.score!.data as Float32Array;
    for (let i = 0; i < n; i++)
      expect(Math.abs((scores[i] as number) - (expected[i] as number))).toBeLessThan(1e-5);
  });

  it('states the threshold and method in metadata; ssim and a non-VAE elbo have no export', () => {
    const spec = cases.table!;
    const { bytes, model } = exportDetectorOnnx(spec, randomWeights(spec), {
      score: 'mse',
      threshold: { method: 'pot:0.001', value: 0.25, expectedFalseAlarmRate: 0.001 },
    });
    const props = new Map(model.metadataProps!.map((p) => [p.key, p.value]));
    expect(JSON.parse(props.get(DETECTOR_METADATA_KEY)!)).toMatchObject({
      score: 'mse',
      threshold: 0.25,
      method: 'pot:0.001',
      isAnomaly: 'bool: score > threshold',
    });
    const info = readOnnxInfo(bytes)!;
    expect(info.part).toBe('detector');
    expect(info.outputs).toEqual(['feature_errors', 'score', 'is_anomaly']);
    expect(() =>
      exportDetectorOnnx(spec, randomWeights(spec), {
        score: 'ssim',
        threshold: { method: 'fpr:0.1', value: 1 },
      }),
    ).toThrow(
      /detector score "ssim" has no ONNX export \(the graph computes mse, mae, nmse, elbo, latent-knn/,
    );
    const conv = cases.unscaled!;
    expect(() =>
      exportDetectorOnnx(conv, randomWeights(conv), {
        score: 'elbo',
        threshold: { method: 'fpr:0.1', value: 1 },
      }),
    ).toThrow(/elbo needs a VAE .* model "conv-strided" has a deterministic latent/);
    expect(() =>
      exportDetectorOnnx(spec, randomWeights(spec), {
        score: 'latent-knn',
        codes: new Float32Array(9),
        k: 3,
        threshold: { method: 'fpr:0.1', value: 1 },
      }),
    ).toThrow(/9 code values are not more than k=3 finite codes of 3 values/);
  });
});

afterAll(() => {
  const reason = checkerUnavailable();
  if (reason) {
    console.warn(`skipping onnx.checker: ${reason}`);
    return;
  }
  expect(checkModels(exported).length).toBe(Object.keys(exported).length);
});
