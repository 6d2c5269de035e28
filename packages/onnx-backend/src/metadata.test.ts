import { readFileSync } from 'node:fs';
import { validateSpec } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import {
  AEKIT_VERSION,
  exportOnnx,
  METADATA_KEYS,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  onnx,
  readOnnxInfo,
} from './index.js';
import { randomWeights } from './testing/random.js';

// The zoo's vae({ latentDim: 2 }) written out (the same spec, field for field).
const spec = validateSpec({
  name: 'vae',
  inputShape: [28, 28, 1],
  encoder: [{ type: 'flatten' }, { type: 'dense', units: 512, activation: 'relu' }],
  latent: { type: 'gaussian', dim: 2 },
  decoder: [
    { type: 'dense', units: 512, activation: 'relu' },
    { type: 'dense', units: 784, activation: 'sigmoid' },
    { type: 'reshape', targetShape: [28, 28, 1] },
  ],
  loss: { reconstruction: 'bce', reduction: 'sum' },
});
const weights = randomWeights(spec);

describe('ModelProto and metadata', () => {
  it('records aekit version, opset, IR version and a symbolic batch axis', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(AEKIT_VERSION).toBe(pkg.version);
    const { bytes } = exportOnnx(spec, weights, { part: 'full' });
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(ONNX_IR_VERSION);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', ONNX_OPSET]]);
    expect(ONNX_OPSET).toBeGreaterThanOrEqual(17);
    const dims = model.graph!.input![0]!.type!.tensorType!.shape!.dim!;
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 28, 28, 1]);
    expect(model.graph!.output!.map((o) => o.name)).toEqual(['reconstruction', 'mean', 'logVar']);
  });

  it('reads back shapes, layout, part, preprocessing and the spec for every part', () => {
    const expected = {
      full: {
        inputShape: [28, 28, 1],
        outputShape: [28, 28, 1],
        inputs: ['input'],
        outputs: ['reconstruction', 'mean', 'logVar'],
      },
      encoder: { inputShape: [28, 28, 1], outputShape: [2], inputs: ['input'], outputs: ['mean', 'logVar'] },
      decoder: { inputShape: [2], outputShape: [28, 28, 1], inputs: ['latent'], outputs: ['reconstruction'] },
    } as const;
    for (const part of ['full', 'encoder', 'decoder'] as const) {
      const info = readOnnxInfo(exportOnnx(spec, weights, { part }).bytes)!;
      expect(info).toMatchObject({ ...expected[part], part, kind: 'vae', latentShape: [2], name: spec.name });
      expect(info.layout).toMatch(/^NHWC/);
      expect(info.preprocessing).toBe(spec.preprocessing);
      expect(info.spec).toEqual(spec);
      expect(info.aekitVersion).toBe(AEKIT_VERSION);
    }
    const keys = onnx.ModelProto.decode(exportOnnx(spec, weights).bytes).metadataProps.map((p) => p.key);
    expect(keys).toEqual(Object.values(METADATA_KEYS));
  });
});
