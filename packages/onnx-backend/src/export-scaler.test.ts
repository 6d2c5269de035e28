import { type ModelSpec, scaleValues, unscaleValues, validateSpec } from '@aekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import { METADATA_KEYS } from './metadata.js';
import { readOnnxInfo } from './read-model.js';
import { referenceForward } from './test-utils/reference.js';
import { checkerUnavailable, checkModels, layerSpecs, partDiffs, randomWeights } from './testing/index.js';

// A fitted scaler inside the graph: raw values in, raw reconstructions out, as the network on scaled values.
const withScalerSpec = (spec: ModelSpec, offset: number[], scale: number[]): ModelSpec =>
  validateSpec({ ...spec, scaler: { type: 'zscore', offset, scale } });

const exported: Record<string, Uint8Array> = {};
const cases: Record<string, ModelSpec> = {
  // A table of 12 features (per feature) and an RGB image (per channel).
  table: withScalerSpec(
    layerSpecs.vaeDense!,
    Array.from({ length: 12 }, (_, i) => i / 4 - 1),
    Array.from({ length: 12 }, (_, i) => 0.5 + i / 8),
  ),
  image: withScalerSpec(layerSpecs.convStrided!, [0.2, -1, 3], [0.5, 2, 1.5]),
};

describe('ONNX export of a spec with a scaler', () => {
  it.each(Object.entries(cases))(
    '%s: raw values give the scaled network’s outputs, mapped back, to 1e-5',
    async (label, spec) => {
      const weights = randomWeights(spec);
      const scaler = spec.scaler!;
      const forward = async (x: Float32Array, z: Float32Array) => {
        const ref = referenceForward(spec, weights, scaleValues(scaler, x), z);
        return {
          ...ref,
          reconstruction: unscaleValues(scaler, ref.reconstruction),
          decoded: unscaleValues(scaler, ref.decoded!),
        };
      };
      const diffs = await partDiffs(label, spec, weights, forward, 'node', exported);
      for (const [what, diff] of Object.entries(diffs))
        expect(diff, `${label} ${what}`).toBeLessThanOrEqual(1e-5);
    },
  );

  it('declares the scaler in the metadata and reads it back', () => {
    const spec = cases.table!;
    for (const part of ['full', 'encoder', 'decoder'] as const) {
      const { bytes, model } = exportOnnx(spec, randomWeights(spec), { part });
      const props = new Map(model.metadataProps!.map((p) => [p.key, p.value]));
      expect(JSON.parse(props.get(METADATA_KEYS.scaler)!)).toEqual(spec.scaler);
      expect(props.get(METADATA_KEYS.preprocessing)).toMatch(/^raw float32 values: z-score/);
      expect(readOnnxInfo(bytes)!.scaler).toEqual(spec.scaler);
    }
    const plain = exportOnnx(layerSpecs.vaeDense!, randomWeights(layerSpecs.vaeDense!));
    expect(plain.model.metadataProps!.find((p) => p.key === METADATA_KEYS.scaler)?.value).toBe('null');
    expect(readOnnxInfo(plain.bytes)!.scaler).toBeUndefined();
  });
});

afterAll(() => {
  // The scaled graphs pass the official checker too (full_check: shape inference included).
  const reason = checkerUnavailable();
  if (reason) {
    console.warn(`skipping onnx.checker: ${reason}`);
    return;
  }
  expect(checkModels(exported).length).toBe(Object.keys(exported).length);
});
