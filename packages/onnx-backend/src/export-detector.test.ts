import { inferShapes, type ModelSpec, scaleValues, shapeSize, validateSpec } from '@aekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { exportDetectorOnnx } from './export-detector.js';
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

describe('ONNX detector graph (raw input -> scaler -> model -> score, is_anomaly)', () => {
  for (const [label, spec] of Object.entries(cases)) {
    for (const score of ['mse', 'mae', 'nmse'] as const) {
      it(`${label}, ${score}: scores equal the reference network's to 1e-5, is_anomaly = score > threshold`, async () => {
        const weights = randomWeights(spec);
        const shapes = inferShapes(spec);
        const d = shapeSize(shapes.input);
        const n = 9;
        const x = randomBatch(n, shapes.input, 5);
        const featureScale = Array.from({ length: d }, (_, j) => 0.05 + (j % 7) / 10);
        const scaled = spec.scaler ? scaleValues(spec.scaler, x) : x;
        const y = referenceForward(spec, weights, scaled).reconstruction;
        const expected = Array.from({ length: n }, (_, i) => {
          let s = 0;
          for (let j = 0; j < d; j++) {
            const e = (y[i * d + j] as number) - (scaled[i * d + j] as number);
            s +=
              score === 'mae'
                ? Math.abs(e)
                : score === 'nmse'
                  ? (e * e) / (featureScale[j] as number)
                  : e * e;
          }
          return s / d;
        });
        const sorted = [...expected].sort((a, b) => a - b);
        const threshold = ((sorted[4] as number) + (sorted[5] as number)) / 2;
        const { bytes } = exportDetectorOnnx(spec, weights, {
          score,
          ...(score === 'nmse' ? { featureScale } : {}),
          threshold: { method: 'fpr:0.05', value: threshold, expectedFalseAlarmRate: 0.05 },
          calibration: { count: 100, p50: 0.1 },
        });
        exported[`${label}-${score}`] = bytes;
        const session = await createSession(bytes);
        const out = await session.run({ input: { data: x, shape: [n, ...shapes.input] } });
        await session.dispose();
        const scores = out.score!.data as Float32Array;
        expect(out.score!.shape).toEqual([n]);
        let max = 0;
        for (let i = 0; i < n; i++)
          max = Math.max(max, Math.abs((scores[i] as number) - (expected[i] as number)));
        expect(max).toBeLessThanOrEqual(1e-5);
        const flags = Array.from(out.is_anomaly!.data as ArrayLike<unknown>, (v) => (v ? 1 : 0));
        expect(flags).toEqual(Array.from(scores, (s) => (s > Math.fround(threshold) ? 1 : 0)));
        expect(flags.filter(Boolean)).toHaveLength(4);
        expect(out.feature_errors!.shape).toEqual([n, ...shapes.input]);
      });
    }
  }

  it('states the threshold and method in metadata; latent scores have no export', () => {
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
        score: 'latent-knn',
        threshold: { method: 'fpr:0.1', value: 1 },
      }),
    ).toThrow(/detector score "latent-knn" has no ONNX export/);
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
