import { convAutoencoder } from '@aekit/models';
import { describe, expect, it } from 'vitest';
import { createSession, exportOnnx, randomInputs, verifyParity } from './index.js';
import { randomWeights } from './test-utils/random.js';

const spec = convAutoencoder({ decoder: 'transpose' });

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
