import { validateSpec } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { createSession, exportOnnx, randomInputs, verifyParity } from './index.js';
import { randomWeights } from './testing/random.js';

// The zoo's convAutoencoder({ decoder: 'transpose' }) written out (the same spec, field for field).
const conv = (filters: number, kernelSize = 3, padding: 'same' | 'valid' = 'same', activation = 'relu') =>
  ({ type: 'conv2d', filters, kernelSize, padding, activation }) as const;
const tconv = (filters: number) =>
  ({
    type: 'conv2dTranspose',
    filters,
    kernelSize: 3,
    strides: 2,
    padding: 'same',
    activation: 'relu',
  }) as const;
const pool = { type: 'maxPool2d', poolSize: 2, padding: 'same' } as const;
const spec = validateSpec({
  name: 'conv',
  inputShape: [28, 28, 1],
  encoder: [conv(16), pool, conv(8), pool, conv(8), pool],
  decoder: [tconv(8), conv(8, 2, 'valid'), tconv(8), tconv(16), conv(1, 3, 'same', 'sigmoid')],
  loss: { reconstruction: 'bce' },
});

describe('verifyParity', () => {
  it('reports max |diff| per output of WASM against CPU within 1e-5', async () => {
    const { bytes } = exportOnnx(spec, randomWeights(spec));
    const cpu = await createSession(bytes, { device: 'cpu' });
    const wasm = await createSession(bytes, { device: 'wasm' });
    expect(wasm.runtime).toBe('web');
    const report = await verifyParity(wasm, cpu);
    expect(report.ok).toBe(true);
    expect(report.outputs.map((o) => o.name)).toEqual(['reconstruction', 'latent']);
    expect(report.outputs[0]!.shape).toEqual([4, 28, 28, 1]);
    for (const o of report.outputs) expect(o.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(report.device).toBe('web:wasm');
    expect(report.referenceDevice).toBe('node:cpu');
    await Promise.all([cpu.dispose(), wasm.dispose()]);
  });

  it('flags and optionally throws on divergence', async () => {
    const a = await createSession(exportOnnx(spec, randomWeights(spec, 1)).bytes, { device: 'cpu' });
    const b = await createSession(exportOnnx(spec, randomWeights(spec, 2)).bytes, { device: 'cpu' });
    const inputs = randomInputs(a, 2, 5);
    const report = await verifyParity(a, b, inputs);
    expect(report.ok).toBe(false);
    expect(report.outputs[0]!.maxAbsDiff).toBeGreaterThan(1e-3);
    await expect(verifyParity(a, b, inputs, { throwOnDivergence: true })).rejects.toMatchObject({
      code: 'PARITY_FAILED',
    });
    await Promise.all([a.dispose(), b.dispose()]);
  });
});
