import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import { createSession } from './node-platform.js';
import { layerSpecs, randomWeights } from './testing/index.js';

describe('session options', () => {
  const spec = layerSpecs.convStrided!;
  const model = exportOnnx(spec, randomWeights(spec));
  const n = 5;
  const x = Float32Array.from({ length: n * spec.inputShape.reduce((a, b) => a * b, 1) }, (_, i) =>
    Math.cos(i * 0.21),
  );

  it('threads 1 and a small batch reconstruct as the defaults do', async () => {
    const plain = await createSession(model);
    const one = await createSession(model, { threads: 1, batchSize: 2 });
    const a = await plain.reconstruct(x);
    const b = await one.reconstruct(x);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    expect(diff).toBeLessThanOrEqual(1e-6);
    await plain.dispose();
    await one.dispose();
  });

  it('rejects a bad thread count, and threads on onnxruntime-web', async () => {
    await expect(createSession(model, { threads: 0 })).rejects.toMatchObject({ code: 'OPTION_INVALID' });
    await expect(createSession(model, { threads: 2, runtime: 'web' })).rejects.toThrow(
      /onnxruntime-node only/,
    );
  });
});
