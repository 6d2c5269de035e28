// The trained-model path: a model of @aekit/tfjs-backend (tfjs CPU kernels) and its ONNX exports agree, for
// every zoo model of @aekit/models and the small specs covering every layer kind (moved from onnx-backend,
// whose tests depend on core only).
import { type ModelSpec, setLogger } from '@aekit/core';
import * as models from '@aekit/models';
import {
  checkerUnavailable,
  checkModels,
  layerSpecs,
  partDiffs,
  randomWeights,
} from '@aekit/onnx-backend/testing';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOLERANCE = 1e-5;
const exported: Record<string, Uint8Array> = {};
const backend = createTfjsBackend({ device: 'js' });

function specs(): [string, ModelSpec][] {
  const out: [string, ModelSpec][] = [];
  for (const [name, fn] of Object.entries(models)) {
    // Builders take one optional options object; functions that need arguments (parsers, pcaWarmStart) are not.
    if (typeof fn !== 'function' || fn.length > 0 || name.startsWith('parse')) continue;
    const spec = (fn as () => unknown)() as ModelSpec;
    if (spec && typeof spec === 'object' && 'encoder' in spec && 'decoder' in spec) out.push([name, spec]);
  }
  out.push(['convAutoencoder(transpose)', models.convAutoencoder({ decoder: 'transpose' })]);
  return [...out, ...Object.entries(layerSpecs)];
}

beforeAll(() => setLogger({ info() {}, warn() {} }));

describe('tfjs-backend model vs its ONNX exports (onnxruntime-node and -web)', () => {
  it.each(specs())('%s: encoder, decoder and full agree to 1e-5 at batch 1 and 7', async (label, spec) => {
    const model = await backend.createModel(spec, { seed: 1 });
    // Random weights (incl. batch-norm statistics) rather than the initialiser's, so every tensor matters.
    const weights = randomWeights(spec, 11);
    model.setWeights(weights);
    const forward = async (x: Float32Array, z: Float32Array) => ({
      latent: await model.encode(x),
      ...(spec.latent.type === 'gaussian' ? { logVar: (await model.encodeDistribution!(x)).logVar } : {}),
      reconstruction: await model.reconstruct(x),
      decoded: await model.decode(z),
    });
    for (const runtime of ['node', 'web'] as const) {
      const diffs = await partDiffs(label, spec, model.getWeights(), forward, runtime, exported);
      for (const [what, diff] of Object.entries(diffs))
        expect(diff, `${label} ${runtime} ${what}`).toBeLessThanOrEqual(TOLERANCE);
    }
    model.dispose();
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
