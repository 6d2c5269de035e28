import { afterAll, describe, expect, it } from 'vitest';
import { referenceForward } from './test-utils/reference.js';
import { checkerUnavailable, checkModels, layerSpecs, partDiffs, randomWeights } from './testing/index.js';

const TOLERANCE = 1e-5;
const exported: Record<string, Uint8Array> = {};

describe.each(['node', 'web'] as const)(
  'ONNX export parity with a tfjs-core reference (onnxruntime-%s)',
  (runtime) => {
    it.each(Object.entries(layerSpecs))(
      '%s: encoder, decoder and full agree to 1e-5 at batch 1 and 7',
      async (label, spec) => {
        const weights = randomWeights(spec);
        const forward = async (x: Float32Array, z: Float32Array) => referenceForward(spec, weights, x, z);
        const diffs = await partDiffs(label, spec, weights, forward, runtime, exported);
        for (const [what, diff] of Object.entries(diffs))
          expect(diff, `${label} ${what}`).toBeLessThanOrEqual(TOLERANCE);
      },
    );
  },
);

afterAll(() => {
  // Every export of this file passes the official checker (full_check: shape inference included).
  const reason = checkerUnavailable();
  if (reason) {
    console.warn(`skipping onnx.checker: ${reason}`);
    return;
  }
  const lines = checkModels(exported);
  expect(lines.length).toBe(Object.keys(exported).length);
});
